using System.Net;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_endpoint_serves_prometheus_text_that_a_real_parser_reads_with_routing_tokens_and_cost()
    {
        await using var small = await UsageBackend.StartAsync();
        await using var large = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(small.BaseUrl, large.BaseUrl));
        const string secretPrompt = "what is the derivative of x^2 for customer 4711-secret";

        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync(secretPrompt)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("hello there")).StatusCode);
        var streamed = await router.ChatAsync("integral of sin(x)", stream: true);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Contains("[DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        large.Behavior = BackendBehavior.ServerError;
        Assert.Equal(HttpStatusCode.BadGateway, (await router.ChatAsync("derivative again")).StatusCode);

        var response = await router.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        // Prompt text must never become a metric name or label. Only names, labels and comments are checked: a sample
        // value (a latency sum, a cost) may contain the digits 4711 by chance, which says nothing about the prompt.
        foreach (var series in SeriesAndComments(text))
        {
            Assert.DoesNotContain("4711", series, StringComparison.Ordinal);
            Assert.DoesNotContain("derivative", series, StringComparison.Ordinal);
        }

        var metrics = await PrometheusFamilies.ParseAsync(text);
        Assert.Equal("COUNTER", (string?)metrics.Family("llm_model_requests_total")["type"]);
        Assert.Equal(2, metrics.Value("llm_model_requests_total", ("model", "large")));
        Assert.Equal(1, metrics.Value("llm_model_requests_total", ("model", "small")));
        Assert.Equal(3, metrics.Value("llm_decision_match_total", ("decision", "math")));
        Assert.Equal(1, metrics.Value("llm_decision_match_total", ("decision", "general")));
        Assert.Equal(1, metrics.Value("llm_request_errors_total", ("model", "large"), ("reason", "upstream_unavailable")));
        Assert.Equal(1, metrics.Value("llm_upstream_attempts_total", ("model", "large"), ("backend", "l1"), ("outcome", "500")));

        // Usage from the JSON answer (large once, small once) and from the stream's final usage chunk (large).
        Assert.Equal(22, metrics.Value("llm_model_prompt_tokens_total", ("model", "large")));
        Assert.Equal(14, metrics.Value("llm_model_completion_tokens_total", ("model", "large")));
        Assert.Equal(11, metrics.Value("llm_model_prompt_tokens_total", ("model", "small")));
        var expectedLargeCost = ((22 * 10.0) + (14 * 30.0)) / 1_000_000;
        Assert.Equal(expectedLargeCost, metrics.Value("llm_model_cost_total", ("model", "large"), ("currency", "EUR")), 12);
        Assert.Equal(((11 * 1.0) + (7 * 2.0)) / 1_000_000, metrics.Value("llm_model_cost_total", ("model", "small"), ("currency", "USD")), 12);

        Assert.Equal("HISTOGRAM", (string?)metrics.Family("llm_model_routing_latency_seconds")["type"]);
        var routing = metrics.Histogram("llm_model_routing_latency_seconds");
        Assert.Equal(4, routing.Count);
        Assert.True(routing.Sum > 0);
        Assert.Contains(routing.Buckets, b => b.Le == 0.0001);
        Assert.Contains(routing.Buckets, b => b.Le == 0.001);
        Assert.Equal((double.PositiveInfinity, 4L), routing.Buckets[^1]);
        Assert.True(routing.Buckets.Zip(routing.Buckets.Skip(1)).All(p => p.First.Count <= p.Second.Count), "buckets are cumulative");

        var completion = metrics.Histogram("llm_model_completion_latency_seconds", ("model", "large"));
        Assert.Equal(2, completion.Count);
        Assert.Contains(completion.Buckets, b => b.Le == 120);
        Assert.Equal(1, metrics.Histogram("llm_model_completion_latency_seconds", ("model", "small")).Count);
        Assert.Equal(1, metrics.Histogram("llm_model_ttft_seconds", ("model", "large")).Count);
        Assert.Equal(4, metrics.Histogram("llm_signal_extraction_latency_seconds", ("signal", "keyword")).Count);
        Assert.Equal(3, metrics.Histogram("llm_plugin_execution_latency_seconds", ("plugin", "system_prompt")).Count);

        // Counters that other features drive exist from the start, at zero.
        Assert.Equal(0, metrics.Value("llm_jailbreak_blocks_total"));
        Assert.Contains("llm_cache_hits_total", metrics.Names);
        Assert.Contains("llm_pii_violations_total", metrics.Names);
    }

    [Fact]
    public async Task Cached_prompt_tokens_are_costed_at_cached_input_per_1m_streamed_or_not()
    {
        await using var small = await UsageBackend.StartAsync();
        await using var large = await UsageBackend.StartAsync();
        small.CachedPromptTokens = 6;
        large.CachedPromptTokens = 6;
        var yaml = Configs.Router(small.BaseUrl, large.BaseUrl)
            .Replace("prompt_per_1m: 1.0, completion_per_1m: 2.0}", "prompt_per_1m: 1.0, completion_per_1m: 2.0, cached_input_per_1m: 0.25}", StringComparison.Ordinal);
        await using var router = await RouterHost.StartAsync(yaml);

        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("hello there")).StatusCode);
        var streamed = await router.ChatAsync("hello again", stream: true);
        Assert.Contains("[DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("derivative of x")).StatusCode);

        var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        // small: 11 prompt tokens of which 6 cached, twice; large has no cached price, so its cached tokens cost the prompt price.
        Assert.Equal(2 * ((5 * 1.0) + (6 * 0.25) + (7 * 2.0)) / 1_000_000, metrics.Value("llm_model_cost_total", ("model", "small"), ("currency", "USD")), 12);
        Assert.Equal(((11 * 10.0) + (7 * 30.0)) / 1_000_000, metrics.Value("llm_model_cost_total", ("model", "large"), ("currency", "EUR")), 12);
        Assert.Equal(22, metrics.Value("llm_model_prompt_tokens_total", ("model", "small")));
    }

    [Fact]
    public void Only_names_labels_and_comments_are_searched_for_prompt_text_never_sample_values()
    {
        const string Text = "# HELP llm_x help\nllm_x_sum{model=\"a b\"} 0.04711 1700000004711\nllm_y 4711\nllm_z{p=\"4711-secret\"} 1\n";
        Assert.Equal(["# HELP llm_x help", "llm_x_sum{model=\"a b\"}", "llm_y", "llm_z{p=\"4711-secret\"}"], SeriesAndComments(Text));
    }

    [Fact]
    public async Task Feature_counters_recorded_through_RouterMetrics_appear_with_their_labels()
    {
        await using var small = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(small.BaseUrl, small.BaseUrl));
        var metrics = router.Services.GetRequiredService<SemanticRouter.Core.Observability.RouterMetrics>();
        metrics.CacheHit("general");
        metrics.CacheHit("general");
        metrics.CacheMiss("general");
        metrics.PiiViolation("EMAIL_ADDRESS");
        metrics.JailbreakBlocked();
        metrics.QueueMessageProcessed("halugate-audits", "processed");
        metrics.AuditCompleted("hallucinated");
        metrics.AuditCompleted("grounded");
        metrics.RequestBlocked("label with \"quotes\" and \\ backslash");

        var parsed = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(2, parsed.Value("llm_cache_hits_total", ("decision", "general")));
        Assert.Equal(1, parsed.Value("llm_cache_misses_total", ("decision", "general")));
        Assert.Equal(1, parsed.Value("llm_pii_violations_total", ("pii_type", "EMAIL_ADDRESS")));
        Assert.Equal(1, parsed.Value("llm_jailbreak_blocks_total"));
        Assert.Equal(1, parsed.Value("llm_requests_blocked_total", ("reason", "jailbreak")));
        Assert.Equal(1, parsed.Value("llm_queue_messages_total", ("queue", "halugate-audits"), ("outcome", "processed")));
        Assert.Equal(1, parsed.Value("llm_requests_blocked_total", ("reason", "label with \"quotes\" and \\ backslash")));

        var summary = System.Text.Json.Nodes.JsonNode.Parse(await (await router.GetAsync("/api/v1/metrics/summary")).Content.ReadAsStringAsync())!;
        Assert.Equal(0.6667, (double)summary["cache"]!["hit_rate"]!);
        Assert.Equal(0.5, (double)summary["audits"]!["hallucination_rate"]!);
        Assert.Equal(1, (double)summary["blocked_by_reason"]!["jailbreak"]!);
    }

    [Fact]
    public async Task Metrics_can_be_switched_off_in_config()
    {
        await using var small = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(small.BaseUrl, small.BaseUrl, """
              services:
                observability: {metrics: {enabled: false}}
            """));
        var response = await router.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"not_found_error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Each line of a Prometheus text exposition without its sample value and timestamp: comment lines whole, sample
    /// lines as <c>name{labels}</c> (label values may hold spaces, so the series ends at the last <c>}</c>).
    /// </summary>
    private static List<string> SeriesAndComments(string exposition)
    {
        var result = new List<string>();
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                result.Add(line);
                continue;
            }

            var end = line.Contains('{', StringComparison.Ordinal) ? line.LastIndexOf('}') + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            result.Add(end > 0 ? line[..end] : line);
        }

        return result;
    }
}
