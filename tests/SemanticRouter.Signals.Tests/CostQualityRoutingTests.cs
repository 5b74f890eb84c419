using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// <c>cost_quality</c> on the shipped prompt classifier: the domain signal's <c>model_scores</c> pick the model, and
/// explain shows the scores, prices and reason. The decision is a catch-all: the selector asks for the domain itself.
/// </summary>
public sealed class CostQualityRoutingTests : IAsyncLifetime
{
    private ShippedModelsRouter _router = null!;

    public static string Config(string backendUrl, string algorithm = "{type: balanced}") => $$$"""
        version: v1
        providers:
          default_model: weak
          models:
            - name: strong
              backend_refs: [{name: echo, base_url: "{{{backendUrl}}}"}]
              pricing: {prompt_per_1m: 10, completion_per_1m: 30}
            - name: weak
              backend_refs: [{name: echo, base_url: "{{{backendUrl}}}"}]
              pricing: {prompt_per_1m: 0.2, completion_per_1m: 0.6}
        routing:
          signals:
            domains:
              - name: math
                threshold: 0
                model_scores: [{model: strong, score: 0.90}, {model: weak, score: 0.89}]
              - name: law
                threshold: 0
                model_scores: [{model: strong, score: 0.90}, {model: weak, score: 0.70}]
          decisions:
            - name: everything
              modelRefs: [{model: strong}, {model: weak}]
              algorithm: {{{algorithm}}}
        """;

    public async Task InitializeAsync() => _router = await ShippedModelsRouter.StartAsync(url => Config(url));

    public async Task DisposeAsync() => await _router.DisposeAsync();

    [Fact]
    public async Task A_math_prompt_goes_to_the_cheap_model_scored_within_the_tolerance_and_explain_says_why()
    {
        var json = await ExplainAsync("What is the derivative of x^3 + 2x with respect to x?");

        Assert.Equal("weak", json["model"]!.GetValue<string>());
        Assert.Equal(["weak", "strong"], json["candidates"]!.AsArray().Select(c => c!.GetValue<string>()));
        var selection = json["selection"]!;
        Assert.Equal("balanced", selection["algorithm"]!.GetValue<string>());
        Assert.Equal(0.02, selection["qualityTolerance"]!.GetValue<double>());
        Assert.Equal("domain:math", selection["scoresFrom"]!.GetValue<string>());
        Assert.Equal("weak", selection["chosen"]!.GetValue<string>());
        Assert.Contains("cheapest model within 0.02", selection["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var weak = selection["candidates"]!.AsArray().Single(c => c!["model"]!.GetValue<string>() == "weak")!;
        Assert.Equal(0.89, weak["score"]!.GetValue<double>());
        Assert.Equal(0.4, weak["pricePer1M"]!.GetValue<double>(), 9);
        Assert.Equal(0, _router.Backend.RequestCount);
    }

    [Fact]
    public async Task A_law_prompt_keeps_the_strong_model_because_the_cheap_one_scores_far_below()
    {
        var json = await ExplainAsync("Under the doctrine of adverse possession, what must a claimant prove to acquire title to land?");

        Assert.Equal("strong", json["model"]!.GetValue<string>());
        Assert.Equal("domain:law", json["selection"]!["scoresFrom"]!.GetValue<string>());
        Assert.StartsWith("best score", json["selection"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_of_an_unscored_category_keeps_the_written_order()
    {
        var json = await ExplainAsync("Which enzyme unwinds the DNA double helix during replication?");

        Assert.Equal("strong", json["model"]!.GetValue<string>());
        Assert.Null(json["selection"]!["scoresFrom"]);
        Assert.Contains("written order", json["selection"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_expected_category_scoring_explain_shows_the_expected_scores_and_the_probability_of_each_scored_category()
    {
        await using var router = await ShippedModelsRouter.StartAsync(url => Config(url, "{type: balanced, category_scoring: expected}"));
        var body = new JsonObject { ["model"] = "MoM", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is the derivative of x^3 + 2x with respect to x?" }) };
        using var response = await router.Http.PostAsync("/api/v1/explain", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var selection = json["selection"]!;
        Assert.Equal("expected", selection["categoryScoring"]!.GetValue<string>());
        Assert.Equal("domain:expected", selection["scoresFrom"]!.GetValue<string>());
        var weights = selection["weights"]!.AsArray();
        Assert.Equal("domain:math", weights[0]!["rule"]!.GetValue<string>());
        var math = weights[0]!["probability"]!.GetValue<double>();
        var law = weights.Count > 1 ? weights[1]!["probability"]!.GetValue<double>() : 0;
        Assert.True(math > law);

        // The weak model's expected score is the probability-weighted mean of its math (0.89) and law (0.70) scores.
        var weak = selection["candidates"]!.AsArray().Single(c => c!["model"]!.GetValue<string>() == "weak")!["score"]!.GetValue<double>();
        Assert.Equal(((math * 0.89) + (law * 0.70)) / (math + law), weak, 9);
        Assert.Contains("expected score over", selection["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var domain = json["signals"]!["domain"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "math")!;
        Assert.Equal(math, domain["detail"]!["probability"]!.GetValue<double>(), 9);
    }

    [Fact]
    public void Model_scores_naming_unknown_or_repeated_models_or_bad_scores_are_reported_with_their_paths()
    {
        var loader = new RouterConfigLoader(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null);
        var yaml = Config("http://127.0.0.1:9/v1")
            .Replace("[{model: strong, score: 0.90}, {model: weak, score: 0.89}]", "[{model: strong, score: 0.90}, {model: strong, score: 0.5}, {model: tiny, score: 0.5}]", StringComparison.Ordinal)
            .Replace("[{model: strong, score: 0.90}, {model: weak, score: 0.70}]", "[{model: strong, score: 1.5}, {model: weak}]", StringComparison.Ordinal);

        var (config, errors) = loader.TryLoad(yaml);

        Assert.Null(config);
        var paths = errors.Select(e => e.Path).ToList();
        Assert.Contains("routing.signals.domains[0].model_scores[1].model", paths);
        Assert.Contains("routing.signals.domains[0].model_scores[2].model", paths);
        Assert.Contains("routing.signals.domains[1].model_scores[0].score", paths);
        Assert.Contains("routing.signals.domains[1].model_scores[1].score", paths);
    }

    private async Task<JsonNode> ExplainAsync(string prompt)
    {
        var body = new JsonObject { ["model"] = "MoM", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }) };
        using var response = await _router.Http.PostAsync("/api/v1/explain", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
