using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_queries_is_exposed_by_the_router()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        // Counters are exposed from the start; a histogram series appears with its first observation (OpenTelemetry
        // exports no empty histogram), so one plain and one streamed answer give every latency histogram one.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await router.ChatAsync("integral of x")).StatusCode);
        var streamed = await router.ChatAsync("hello", stream: true);
        Assert.Contains("[DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var exposed = (await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync())).Names.ToHashSet(StringComparer.Ordinal);

        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "infra", "grafana", "semantic-router-dashboard.json")))!;
        var queried = dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]!.AsArray())
            .SelectMany(t => MetricName().Matches((string)t!["expr"]!).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(queried.Count >= 10, "the dashboard queries the router's metrics");
        Assert.Empty(queried.Except(exposed).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"\b(llm_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=[\[{(\s)]|$)")]
    private static partial Regex MetricName();
}
