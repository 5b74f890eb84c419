using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>The explain dry run and the model list.</summary>
public sealed class ExplainAndModelsTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _backend = await LoopbackBackend.StartAsync("a");
        _router = await RunningRouter.StartAsync(TestConfigs.TwoModels(_backend.BaseUrl, _backend.BaseUrl, _backend.BaseUrl).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Explain_shows_decision_model_and_signals_without_calling_a_backend()
    {
        using var response = await _router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body("derivative of sin(x)"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("math", json["decision"]!["name"]!.GetValue<string>());
        Assert.Equal(1.0, json["decision"]!["confidence"]!.GetValue<double>());
        Assert.Equal("large", json["model"]!.GetValue<string>());
        var keyword = json["signals"]!["keyword"]![0]!;
        Assert.Equal("math_terms", keyword["name"]!.GetValue<string>());
        Assert.True(keyword["matched"]!.GetValue<bool>());
        Assert.Equal("derivative", keyword["detail"]![0]!.GetValue<string>());
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task Explain_falls_to_the_catch_all_for_other_prompts()
    {
        using var response = await _router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body("tell me a joke"), Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("default", json["decision"]!["name"]!.GetValue<string>());
        Assert.Equal(0, json["decision"]!["confidence"]!.GetValue<double>());
        Assert.Equal("small", json["model"]!.GetValue<string>());
        Assert.False(json["signals"]!["keyword"]![0]!["matched"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Models_lists_auto_names_and_configured_models()
    {
        var json = JsonNode.Parse(await _router.Http.GetStringAsync("/v1/models"))!;
        Assert.Equal("list", json["object"]!.GetValue<string>());
        Assert.Equal(["MoM", "auto", "small", "large"], json["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal("virtual", json["data"]![0]!["routing"]!["resolution"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_official_sdk_retrieves_a_listed_model_and_gets_404_for_an_unknown_one()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(_router.BaseAddress, "/v1") });

        var mom = (await client.GetModelAsync("MoM")).Value;
        var large = (await client.GetModelAsync("large")).Value;
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("no-such-model"));

        Assert.Equal("MoM", mom.Id);
        Assert.Equal("semantic-router", mom.OwnedBy);
        Assert.Equal("large", large.Id);
        Assert.Equal(404, missing.Status);
        var error = JsonNode.Parse(missing.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("model_not_found", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_and_ready_answer()
    {
        using var health = await _router.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await _router.Http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
    }
}
