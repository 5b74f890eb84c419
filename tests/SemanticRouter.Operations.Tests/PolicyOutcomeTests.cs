using System.Net;
using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Operations.Metrics;

namespace SemanticRouter.Operations.Tests;

public sealed class PolicyOutcomeTests
{
    [Fact]
    public async Task A_fast_response_block_counts_as_a_blocked_request_and_not_as_an_upstream_request()
    {
        await using var backend = await UsageBackend.StartAsync();
        var yaml = Configs.Router(backend.BaseUrl, backend.BaseUrl).Replace(
            """{type: system_prompt, configuration: {system_prompt: "You are a math expert.", mode: insert}}""",
            """{type: fast_response, configuration: {message: "Math is closed today."}}""",
            StringComparison.Ordinal);
        await using var router = await RouterHost.StartAsync(yaml);

        var blocked = await router.ChatAsync("integral of x");
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Contains("Math is closed today.", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(backend.Requests);

        var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(1, metrics.Value("llm_requests_blocked_total", ("reason", "fast_response")));
        Assert.Equal(1, metrics.Value("llm_decision_match_total", ("decision", "math")));
        Assert.Equal(0, metrics.Value("llm_model_requests_total", ("model", "large")));
    }

    [Fact]
    public async Task Cache_jailbreak_and_pii_outcomes_are_read_from_the_anchor_response_headers()
    {
        using var meter = new RouterMetrics();
        using var collector = new MetricsCollector(meter, enabled: true);
        var config = new RouterConfigLoader(RouterExtensionsDefaults.CreateCore(), _ => null).Load(Configs.Router(new Uri("http://127.0.0.1:9/v1"), new Uri("http://127.0.0.1:9/v1")));
        var context = new RoutingContext("r1", ChatRequest.Parse("""{"model":"MoM","messages":[{"role":"user","content":"hi"}]}"""u8, 100), new Dictionary<string, string>(), config);

        static RouterResponse With(params (string Name, string Value)[] headers)
        {
            var response = RouterResponse.Json(200, Encoding.UTF8.GetBytes("{}"));
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }

            return response;
        }

        PolicyOutcomes.Record(meter, With(("x-vsr-cache-hit", "true"), ("x-vsr-response-path", "cache")), context, shortCircuited: true);
        PolicyOutcomes.Record(meter, With(("x-vsr-cache-hit", "false")), context, shortCircuited: false);
        PolicyOutcomes.Record(meter, With(("x-vsr-jailbreak-blocked", "true"), ("x-vsr-response-path", "fast_response")), context, shortCircuited: true);
        PolicyOutcomes.Record(meter, With(("x-vsr-jailbreak-blocked", "true")), context, shortCircuited: false);
        PolicyOutcomes.Record(meter, With(("x-vsr-pii-violation", "true"), ("x-vsr-pii-types", "EMAIL_ADDRESS,PHONE_NUMBER"), ("x-vsr-response-path", "fast_response")), context, shortCircuited: true);
        PolicyOutcomes.Record(meter, With(("x-vsr-pii-types", "EMAIL_ADDRESS")), context, shortCircuited: false);

        var parsed = await PrometheusFamilies.ParseAsync(await collector.WritePrometheusTextAsync());
        Assert.Equal(1, parsed.Value("llm_cache_hits_total", ("decision", "none")));
        Assert.Equal(1, parsed.Value("llm_cache_misses_total", ("decision", "none")));
        Assert.Equal(1, parsed.Value("llm_jailbreak_blocks_total"));
        Assert.Equal(1, parsed.Value("llm_requests_blocked_total", ("reason", "jailbreak")));
        Assert.Equal(1, parsed.Value("llm_pii_violations_total", ("pii_type", "EMAIL_ADDRESS")));
        Assert.Equal(1, parsed.Value("llm_pii_violations_total", ("pii_type", "PHONE_NUMBER")));
        Assert.Equal(1, parsed.Value("llm_requests_blocked_total", ("reason", "pii")));
        Assert.Equal(0, parsed.Value("llm_requests_blocked_total", ("reason", "fast_response")));
    }
}
