using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Reasoning-mode control end to end: each family type's exact upstream body (streamed and not), a model without a
/// family, the client-override rule, failover to the next modelRef with that model's own family, explain and metrics.
/// </summary>
public sealed class ReasoningModeTests : IAsyncLifetime
{
    private LoopbackBackend _qwen = null!;
    private LoopbackBackend _oss = null!;
    private LoopbackBackend _mistral = null!;
    private LoopbackBackend _plain = null!;
    private LoopbackBackend _down = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _qwen = await LoopbackBackend.StartAsync("qwen");
        _oss = await LoopbackBackend.StartAsync("oss");
        _mistral = await LoopbackBackend.StartAsync("mistral");
        _plain = await LoopbackBackend.StartAsync("plain");
        _down = await LoopbackBackend.StartAsync("down", BackendBehavior.ServerError);
        _router = await RunningRouter.StartAsync(Config(_qwen.BaseUrl, _oss.BaseUrl, _mistral.BaseUrl, _plain.BaseUrl, _down.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        foreach (var b in new[] { _qwen, _oss, _mistral, _plain, _down })
        {
            await b.DisposeAsync();
        }
    }

    internal static string Config(Uri qwen, Uri oss, Uri mistral, Uri plain, Uri down) => $$$"""
        version: v1
        providers:
          defaults:
            default_model: plain
            default_reasoning_effort: low
            reasoning_families:
              magistral: {type: top_level_reasoning_effort, parameter: effort}
          models:
            - {name: qwen, provider_model_id: Qwen/Qwen3-8B, reasoning_family: qwen3, backend_refs: [{name: q, base_url: "{{{qwen}}}"}]}
            - {name: oss, provider_model_id: openai/gpt-oss-20b, reasoning_family: gpt-oss, backend_refs: [{name: o, base_url: "{{{oss}}}"}]}
            - {name: mistral, provider_model_id: magistral-small, reasoning_family: magistral, backend_refs: [{name: m, base_url: "{{{mistral}}}"}]}
            - {name: plain, provider_model_id: plain-model, backend_refs: [{name: p, base_url: "{{{plain}}}"}]}
            - {name: deepseek-down, provider_model_id: deepseek-r1, reasoning_family: deepseek, backend_refs: [{name: d, base_url: "{{{down}}}"}]}
        routing:
          signals:
            keywords:
              - {name: math, operator: OR, keywords: [integral]}
              - {name: chat, operator: OR, keywords: [hello]}
              - {name: prove, operator: OR, keywords: [prove]}
              - {name: quick, operator: OR, keywords: [quick]}
              - {name: essay, operator: OR, keywords: [essay]}
              - {name: brief, operator: OR, keywords: [brief]}
              - {name: nofamily, operator: OR, keywords: [plainly]}
              - {name: failover, operator: OR, keywords: [failover]}
              - {name: forced, operator: OR, keywords: [forced]}
          decisions:
            - {name: math, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: math}]}, modelRefs: [{model: qwen, use_reasoning: true}]}
            - {name: chat, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: chat}]}, modelRefs: [{model: qwen, use_reasoning: false}]}
            - {name: prove, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: prove}]}, modelRefs: [{model: oss, use_reasoning: true, reasoning_effort: high}]}
            - {name: quick, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: quick}]}, modelRefs: [{model: oss, use_reasoning: false}]}
            - {name: essay, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: essay}]}, modelRefs: [{model: mistral, use_reasoning: true}]}
            - {name: brief, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: brief}]}, modelRefs: [{model: mistral, use_reasoning: false}]}
            - {name: nofamily, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: nofamily}]}, modelRefs: [{model: plain, use_reasoning: true}]}
            - {name: failover, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: failover}]}, modelRefs: [{model: deepseek-down, use_reasoning: true}, {model: oss, use_reasoning: true, reasoning_effort: medium}]}
            - {name: forced, priority: 10, rules: {operator: AND, conditions: [{type: keyword, name: forced}]}, modelRefs: [{model: qwen, use_reasoning: false, override_client_reasoning: true}]}
        global:
          upstream: {request_timeout_seconds: 10, first_byte_timeout_seconds: 5, max_attempts: 4}
        """;

    public static TheoryData<string, bool, string, string, string?, string?> Families => new()
    {
        // prompt, stream, backend, exact reasoning fields added, x-vsr-selected-reasoning, -effort
        { "integral of x", false, "qwen", """{"chat_template_kwargs":{"enable_thinking":true}}""", "on", null },
        { "integral of x", true, "qwen", """{"chat_template_kwargs":{"enable_thinking":true}}""", "on", null },
        { "hello there", false, "qwen", """{"chat_template_kwargs":{"enable_thinking":false}}""", "off", null },
        { "prove it", false, "oss", """{"reasoning_effort":"high"}""", "on", "high" },
        { "prove it", true, "oss", """{"reasoning_effort":"high"}""", "on", "high" },
        { "quick one", false, "oss", """{"reasoning_effort":"low"}""", "off", "low" },
        { "an essay", false, "mistral", """{"effort":"low"}""", "on", "low" },
        { "an essay", true, "mistral", """{"effort":"low"}""", "on", "low" },
        { "brief one", false, "mistral", """{"effort":"none"}""", "off", "none" },
        { "say it plainly", false, "plain", "{}", null, null },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Each_family_type_writes_its_exact_field_into_the_upstream_body(string prompt, bool stream, string backend, string added, string? reasoning, string? effort)
    {
        var body = TestConfigs.Body(prompt, stream: stream);
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(stream ? "data: [DONE]" : backend + " answered", await response.Content.ReadAsStringAsync());
        var sent = Assert.Single(Backend(backend).Requests, r => r.Body.Contains(prompt, StringComparison.Ordinal) && r.Json["stream"]!.GetValue<bool>() == stream).Json;
        var expected = JsonNode.Parse(body)!.AsObject();
        expected["model"] = sent["model"]!.GetValue<string>();
        foreach (var (k, v) in JsonNode.Parse(added)!.AsObject())
        {
            expected[k] = v!.DeepClone();
        }

        Assert.True(JsonNode.DeepEquals(expected, sent), $"expected {expected.ToJsonString()}\n     got {sent.ToJsonString()}");
        Assert.Equal(reasoning, Header(response, "x-vsr-selected-reasoning"));
        Assert.Equal(effort, Header(response, "x-vsr-selected-reasoning-effort"));
    }

    [Fact]
    public async Task Failover_to_the_next_modelRef_writes_that_models_own_family()
    {
        using var response = await PostAsync(TestConfigs.Body("failover please"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("oss", Header(response, "x-vsr-selected-model"));
        var first = Assert.Single(_down.Requests, r => r.Body.Contains("failover please", StringComparison.Ordinal)).Json;
        Assert.Equal("deepseek-r1", first["model"]!.GetValue<string>());
        Assert.True(first["chat_template_kwargs"]!["thinking"]!.GetValue<bool>());
        Assert.False(first.ContainsKey("reasoning_effort"));

        var second = Assert.Single(_oss.Requests, r => r.Body.Contains("failover please", StringComparison.Ordinal)).Json;
        Assert.Equal("openai/gpt-oss-20b", second["model"]!.GetValue<string>());
        Assert.Equal("medium", second["reasoning_effort"]!.GetValue<string>());
        Assert.False(second.ContainsKey("chat_template_kwargs"));
        Assert.Equal("on", Header(response, "x-vsr-selected-reasoning"));
        Assert.Equal("medium", Header(response, "x-vsr-selected-reasoning-effort"));
    }

    [Fact]
    public async Task A_client_that_sets_the_field_keeps_it_unless_the_modelRef_overrides()
    {
        const string kept = """{"model":"MoM","messages":[{"role":"user","content":"integral, but keep mine"}],"chat_template_kwargs":{"enable_thinking":false,"custom":1}}""";
        using (var response = await PostAsync(kept))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(Header(response, "x-vsr-selected-reasoning"));
        }

        var sent = Assert.Single(_qwen.Requests, r => r.Body.Contains("keep mine", StringComparison.Ordinal)).Json;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"enable_thinking":false,"custom":1}"""), sent["chat_template_kwargs"]));

        const string forced = """{"model":"MoM","messages":[{"role":"user","content":"forced choice"}],"chat_template_kwargs":{"enable_thinking":true,"custom":1}}""";
        using (var response = await PostAsync(forced))
        {
            Assert.Equal("off", Header(response, "x-vsr-selected-reasoning"));
        }

        sent = Assert.Single(_qwen.Requests, r => r.Body.Contains("forced choice", StringComparison.Ordinal)).Json;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"enable_thinking":false,"custom":1}"""), sent["chat_template_kwargs"]));
    }

    [Fact]
    public async Task A_concrete_model_name_is_passed_through_without_reasoning_fields()
    {
        using var response = await PostAsync(TestConfigs.Body("integral passthrough", model: "qwen"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(_qwen.Requests, r => r.Body.Contains("integral passthrough", StringComparison.Ordinal)).Json;
        Assert.False(sent.ContainsKey("chat_template_kwargs"));
        Assert.Null(Header(response, "x-vsr-selected-reasoning"));
    }

    [Fact]
    public async Task Explain_shows_the_reasoning_choice_of_each_candidate()
    {
        using var response = await _router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body("failover"), Encoding.UTF8, "application/json"));
        var reasoning = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reasoning"]!.AsArray();

        Assert.Equal(2, reasoning.Count);
        Assert.Equal("deepseek-down", reasoning[0]!["model"]!.GetValue<string>());
        Assert.Equal("chat_template_kwargs", reasoning[0]!["family_type"]!.GetValue<string>());
        Assert.Equal("chat_template_kwargs.thinking = true", reasoning[0]!["explanation"]!.GetValue<string>());
        Assert.Equal("oss", reasoning[1]!["model"]!.GetValue<string>());
        Assert.Equal("medium", reasoning[1]!["effort"]!.GetValue<string>());

        using var plain = await _router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body("plainly"), Encoding.UTF8, "application/json"));
        var none = JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["reasoning"]![0]!;
        Assert.Equal("on", none["use_reasoning"]!.GetValue<string>());
        Assert.False(none["applied"]!.GetValue<bool>());
        Assert.Equal("model plain has no reasoning_family; nothing is added to the request", none["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metrics_count_routed_requests_by_reasoning_mode()
    {
        using (await PostAsync(TestConfigs.Body("prove the metric")))
        {
        }

        using (await PostAsync(TestConfigs.Body("hello metric")))
        {
        }

        var metrics = await _router.Http.GetStringAsync("/metrics");
        Assert.Matches("""llm_reasoning_decisions_total\{[^}]*effort="high"[^}]*model="oss"[^}]*reasoning="on"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""llm_reasoning_decisions_total\{[^}]*effort="none"[^}]*model="qwen"[^}]*reasoning="off"[^}]*\} [1-9]""", metrics);
    }

    private LoopbackBackend Backend(string name) => name switch
    {
        "qwen" => _qwen,
        "oss" => _oss,
        "mistral" => _mistral,
        _ => _plain,
    };

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
