using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// The <c>preference</c> signal with the real default sentence embedder from models/ (through the ONNX Runtime),
/// and its lexical fallback when that model cannot load. Thresholds are on the embedder's cosine scale
/// (docs/feedback.md: all-MiniLM-L6-v2 scores about 0.5 for a prompt that is mostly the stated preference, and about
/// 0.2-0.35 for prompts about something else, so a preference buried in a question on another topic does not match).
/// </summary>
public sealed class PreferenceEmbedderTests
{
    private static readonly string ShippedModels = Path.Combine(RepoPaths.Root, "models");

    private const string Signals = """
            preferences:
              - {name: brief, examples: ["keep it short", "just give me a brief answer", "tl;dr please", "answer in one sentence"], threshold: 0.45}
              - {name: detailed, examples: ["explain in depth", "give me a thorough, step by step explanation", "walk me through every detail"], threshold: 0.45}
        """;

    [Fact]
    public async Task Preference_signal_scores_with_the_default_sentence_embedder_once_it_has_loaded()
    {
        using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = ShippedModels });
        var evaluator = Evaluator(models);
        await models.Require(LearnedModel.SentenceEmbedder);

        var brief = await EvaluateAsync(evaluator, "tl;dr what is DNS");
        var detailed = await EvaluateAsync(evaluator, "Explain DNS in depth, step by step, with every detail.");
        var neither = await EvaluateAsync(evaluator, "Write a python function that sorts a list");

        Assert.Equal([true, false], brief.Select(m => m.Matched));
        Assert.Equal([false, true], detailed.Select(m => m.Matched));
        Assert.Equal([false, false], neither.Select(m => m.Matched));
        Assert.All(brief.Concat(detailed).Concat(neither), m => Assert.Contains("method = embedding, model = sentence-embedder@", m.Detail!.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preference_signal_falls_back_to_lexical_similarity_when_the_embedder_cannot_load()
    {
        var empty = Directory.CreateTempSubdirectory("no-models-").FullName;
        try
        {
            using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = empty });
            var evaluator = Evaluator(models);
            await Assert.ThrowsAnyAsync<Exception>(() => models.Require(LearnedModel.SentenceEmbedder));

            var brief = await EvaluateAsync(evaluator, "Just give me a brief answer: what is DNS?");

            Assert.True(brief[0].Matched);
            Assert.All(brief, m => Assert.Equal("{ method = lexical }", m.Detail!.ToString()));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Router_routes_a_stated_preference_with_the_default_embedder()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        await using var router = await RouterUnderTest.StartAsync(
            Config(backend.BaseUrl),
            azurite: null,
            configure: services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = ShippedModels }));

        // /ready waits for the embedder the preference signal required.
        await Eventually.TrueAsync(async () => (await router.Http.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, what: "readiness");

        Assert.Equal("brief_answers", await DecisionAsync(router, "tl;dr what is DNS"));
        Assert.Equal("deep_dives", await DecisionAsync(router, "Explain DNS in depth, step by step, with every detail."));
        Assert.Equal("chat", await DecisionAsync(router, "What is DNS?"));
    }

    private static ISignalEvaluator Evaluator(LearnedModels models)
    {
        var services = new ServiceCollection()
            .AddSingleton(models)
            .AddSingleton<Core.Embeddings.ITextEmbedder>(new LearnedTextEmbedder(models))
            .BuildServiceProvider();
        var extensions = RouterExtensionsDefaults.CreateCore().AddAsyncFeatures(services);
        var config = new RouterConfigLoader(extensions).Load(Config(new Uri("http://127.0.0.1:9/v1")));
        return extensions.KindByConfigKey("preferences")!.CreateEvaluator(config.Routing.Signals["preferences"]);
    }

    private static async Task<IReadOnlyList<SignalMatch>> EvaluateAsync(ISignalEvaluator evaluator, string user) =>
        await evaluator.EvaluateAsync(
            new SignalContext(ChatRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"MoM","messages":[{"role":"user","content":"{{user}}"}]}"""), 100), new Dictionary<string, string>()),
            CancellationToken.None);

    private static async Task<string> DecisionAsync(RouterUnderTest router, string prompt)
    {
        using var response = await router.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "MoM", messages = new[] { new { role = "user", content = prompt } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("x-vsr-selected-decision").Single();
    }

    private static string Config(Uri backend) => $$"""
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, backend_refs: [{name: b, base_url: "{{backend}}"}]}
            - {name: large, backend_refs: [{name: b, base_url: "{{backend}}"}]}
        routing:
          signals:
        {{Signals}}
          decisions:
            - name: brief_answers
              priority: 10
              rules: {operator: OR, conditions: [{type: preference, name: brief}]}
              modelRefs: [{model: small}]
            - name: deep_dives
              priority: 10
              rules: {operator: OR, conditions: [{type: preference, name: detailed}]}
              modelRefs: [{model: large}]
            - name: chat
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        global:
          router: {auto_model_names: [MoM]}
        """;
}
