using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// <c>modelRefs[].lora_name</c> is what the backend is asked for when that ref is chosen (its own fallbacks keep their
/// ids), and the informational keys (<c>tier</c>, <c>annotations</c>, <c>reasoning_description</c>) show in explain.
/// </summary>
public sealed class LoraAndDecisionMetadataTests : IAsyncLifetime
{
    private LoopbackBackend _small = null!;
    private LoopbackBackend _large = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _small = await LoopbackBackend.StartAsync("small");
        _large = await LoopbackBackend.StartAsync("large");
        var yaml = TestConfigs.TwoModels(_small.BaseUrl, _small.BaseUrl, _large.BaseUrl)
            .Replace(
                "modelRefs: [{model: large}, {model: small}]",
                "tier: 1\n      annotations: {owner: maths-team}\n      modelRefs: [{model: large, lora_name: math-lora, reasoning_description: proofs need steps}, {model: small}]",
                StringComparison.Ordinal)
            // An untiered decision counts as tier 0 and would outrank math: the catch-all goes last explicitly.
            .Replace("- name: default\n      priority: 1", "- name: default\n      priority: 1\n      tier: 9", StringComparison.Ordinal);
        Assert.Contains("lora_name: math-lora", yaml, StringComparison.Ordinal);
        Assert.Contains("tier: 9", yaml, StringComparison.Ordinal);
        _router = await RunningRouter.StartAsync(yaml);
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _large.DisposeAsync();
        await _small.DisposeAsync();
    }

    [Fact]
    public async Task The_chosen_refs_lora_name_goes_upstream_as_the_model_streamed_or_not()
    {
        foreach (var stream in new[] { false, true })
        {
            using var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("derivative of x^3", stream: stream), Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
        }

        Assert.All(_large.Requests, r => Assert.Equal("math-lora", (string?)r.Json["model"]));
        Assert.Equal(2, _large.RequestCount);
    }

    [Fact]
    public async Task A_fallback_and_a_request_naming_the_model_use_the_provider_model_id()
    {
        using (var direct = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("derivative of x^3", model: "large"), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }

        Assert.Equal("big-model", (string?)Assert.Single(_large.Requests).Json["model"]);

        _large.Behavior = BackendBehavior.ServerError;
        using var routed = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("integral of x"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal("small", routed.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.Equal("math-lora", (string?)_large.Requests.Last().Json["model"]);
        Assert.Equal("qwen3-8b", (string?)Assert.Single(_small.Requests).Json["model"]);
    }

    [Fact]
    public async Task Explain_shows_tier_annotations_upstream_names_and_reasoning_descriptions()
    {
        using var response = await _router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body("derivative of x^3"), Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(1, (int?)json["decision"]!["tier"]);
        Assert.Equal("maths-team", (string?)json["decision"]!["annotations"]!["owner"]);
        Assert.Equal("math-lora", (string?)json["upstream_models"]!["large"]);
        Assert.Equal("qwen3-8b", (string?)json["upstream_models"]!["small"]);
        Assert.Equal("proofs need steps", (string?)json["reasoning"]![0]!["reasoning_description"]);
        Assert.Null(json["reasoning"]![1]!["reasoning_description"]);
        Assert.Equal(0, _large.RequestCount);
    }
}
