using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Async.Tests;

/// <summary>The preference signal (lexical fallback, no embedder registered) and config binding of the new extension points.</summary>
public sealed class PreferenceAndSelectionTests
{
    private static readonly RouterExtensions Extensions = RouterExtensionsDefaults.CreateCore().AddAsyncFeatures(new ServiceCollection().BuildServiceProvider());

    private const string Yaml = """
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}
            - {name: large, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}
        routing:
          signals:
            preferences:
              - {name: brief, examples: ["keep it short", "just give me a brief answer", "tl;dr please"], threshold: 0.3}
          decisions:
            - name: brief_answers
              priority: 10
              rules: {operator: OR, conditions: [{type: preference, name: brief}]}
              modelRefs: [{model: small}, {model: large}]
              algorithm: {type: feedback, feedback: {exploration: 0.2, min_ratings: 3}}
              plugins:
                - {type: hallucination, configuration: {mode: sync, action: body, min_confidence: 0.7}}
        """;

    [Fact]
    public async Task Preference_signal_matches_a_paraphrased_request_without_an_embedder()
    {
        var config = new RouterConfigLoader(Extensions).Load(Yaml);
        var kind = Extensions.KindByConfigKey("preferences")!;
        var evaluator = kind.CreateEvaluator(config.Routing.Signals["preferences"]);

        var brief = await evaluator.EvaluateAsync(Context("Please keep the answer short: what is DNS?"), CancellationToken.None);
        var other = await evaluator.EvaluateAsync(Context("Explain in depth how DNS resolution works."), CancellationToken.None);

        Assert.True(Assert.Single(brief).Matched);
        Assert.False(Assert.Single(other).Matched);
    }

    [Fact]
    public void Invalid_settings_are_reported_with_their_paths()
    {
        var bad = Yaml.Replace("exploration: 0.2", "exploration: 2", StringComparison.Ordinal).Replace("mode: sync", "mode: later", StringComparison.Ordinal);
        var (loaded, errors) = new RouterConfigLoader(Extensions).TryLoad(bad);

        Assert.Null(loaded);
        Assert.Contains(errors, e => e.Path.EndsWith("algorithm.feedback.exploration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path.EndsWith("configuration.mode", StringComparison.Ordinal));
    }

    [Fact]
    public void Attribution_map_forgets_the_oldest_entries_beyond_its_capacity()
    {
        var map = new BoundedRequestAttributions(capacity: 2);
        map.Record("a", "small", "chat");
        map.Record("b", "large", null);
        map.Record("c", "large", "math");

        Assert.False(map.TryGet("a", out _));
        Assert.True(map.TryGet("c", out var c));
        Assert.Equal(new RequestAttribution("large", "math"), c);
    }

    private static SignalContext Context(string user) =>
        new(ChatRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"MoM","messages":[{"role":"user","content":"{{user}}"}]}"""), 100), new Dictionary<string, string>());
}
