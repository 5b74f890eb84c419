using System.Net;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Observability;
using SemanticRouter.Functions.Operations.Auth;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

public sealed class DashboardTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "SemanticRouter.Operations.Tests", "node", "dashboard-check.mjs");

    [Fact]
    public async Task The_dashboard_page_is_served_as_html_with_a_strict_content_security_policy()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));
        var response = await router.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("connect-src 'self'", response.Headers.GetValues("content-security-policy").Single(), StringComparison.Ordinal);
        Assert.Contains("api/v1/metrics/summary", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Headless_Chromium_shows_routing_cache_blocking_latency_and_hallucination_figures()
    {
        await using var small = await UsageBackend.StartAsync();
        await using var large = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(small.BaseUrl, large.BaseUrl));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("what is the derivative of x^" + i)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("hello", stream: true)).StatusCode);
        var metrics = router.Services.GetRequiredService<RouterMetrics>();
        metrics.CacheHit("general");
        metrics.CacheMiss("general");
        metrics.CacheMiss("math");
        metrics.CacheMiss("math");
        metrics.JailbreakBlocked();
        metrics.PiiViolation("EMAIL_ADDRESS");
        metrics.RequestBlocked("pii");
        metrics.AuditCompleted("hallucinated");
        metrics.AuditCompleted("grounded");
        metrics.AuditCompleted("grounded");
        metrics.AuditCompleted("grounded");

        var screenshot = Environment.GetEnvironmentVariable("DASHBOARD_SCREENSHOT") ?? Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.png");
        var shown = JsonNode.Parse(await NodeProcess.RunAsync(Script, [new Uri(router.BaseAddress, "/dashboard").ToString(), screenshot], timeout: TimeSpan.FromMinutes(2)))!;

        Assert.Empty(shown["errors"]!.AsArray());
        Assert.Equal("4", (string?)shown["requests"]);
        Assert.Equal("3", (string?)shown["models"]!["large"]);
        Assert.Equal("1", (string?)shown["models"]!["small"]);
        Assert.Equal("3", (string?)shown["decisions"]!["math"]);
        Assert.Equal("25.0%", (string?)shown["cacheHitRate"]);
        Assert.Equal("2", (string?)shown["blocked"]);
        Assert.Equal("25.0%", (string?)shown["hallucinationRate"]);
        var latency = shown["latencyRows"]!.AsArray().Select(r => r!.AsArray().Select(c => (string)c!).ToArray()).ToDictionary(r => r[0]);
        Assert.Equal("4", latency["routing"][4]);
        Assert.Matches(@"^\d+(\.\d+)? ms$", latency["routing"][1]);
        Assert.Equal("1", latency["ttft"][4]);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "a screenshot was written");
        foreach (var (width, problems) in shown["layout"]!.AsObject())
        {
            Assert.True(problems!.AsArray().Count == 0, $"at {width}px: {string.Join("; ", problems.AsArray())}");
        }
    }

    [ChromiumFact]
    public async Task Long_names_and_five_digit_counts_stay_inside_their_cards_at_desktop_and_phone_widths()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));
        var metrics = router.Services.GetRequiredService<RouterMetrics>();
        const string longDecision = "customer_support_billing_refunds_and_escalations_eu_west";
        for (var i = 0; i < 12_345; i++)
        {
            metrics.RoutingLatency(TimeSpan.FromMilliseconds(0.2 + (i % 700)));
            metrics.TimeToFirstToken("large", TimeSpan.FromSeconds(1.5 + (i % 9)));
            metrics.CompletionLatency("large", TimeSpan.FromSeconds(12.5 + (i % 40)));
            metrics.DecisionMatched(i % 3 == 0 ? longDecision : "math");
            metrics.Request(i % 5 == 0 ? "azure-openai-gpt-4o-mini-2024-07-18-eu-deployment" : "large");
        }

        var shown = JsonNode.Parse(await NodeProcess.RunAsync(Script, [new Uri(router.BaseAddress, "/dashboard").ToString()], timeout: TimeSpan.FromMinutes(2)))!;

        Assert.Empty(shown["errors"]!.AsArray());
        Assert.Equal("4,115", (string?)shown["decisions"]![longDecision]);
        var latency = shown["latencyRows"]!.AsArray().Select(r => r!.AsArray().Select(c => (string)c!).ToArray()).ToDictionary(r => r[0]);
        Assert.Equal("12,345", latency["completion"][4]);
        Assert.EndsWith(" s", latency["completion"][3], StringComparison.Ordinal);
        foreach (var (width, problems) in shown["layout"]!.AsObject())
        {
            Assert.True(problems!.AsArray().Count == 0, $"at {width}px: {string.Join("; ", problems.AsArray())}");
        }
    }

    [ChromiumFact]
    public async Task With_auth_on_the_dashboard_asks_for_the_admin_key_and_then_shows_data()
    {
        const string admin = "sk-dashboard-admin";
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl, $$"""
              services:
                auth:
                  admin_keys: [{id: ops, sha256: "{{ApiKeyHash.Hex(admin)}}"}]
            """));
        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("hello", key: admin)).StatusCode);

        var shown = JsonNode.Parse(await NodeProcess.RunAsync(Script, [new Uri(router.BaseAddress, "/dashboard").ToString(), string.Empty, admin], timeout: TimeSpan.FromMinutes(2)))!;
        Assert.Equal("1", (string?)shown["requests"]);
        Assert.Equal("1", (string?)shown["decisions"]!["general"]);
    }
}
