using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary><c>GET /api/v1/metrics/summary</c>: the JSON the dashboard polls (admin key when auth is on).</summary>
internal sealed class MetricsSummaryFunction(MetricsCollector collector) : IRouterFunction
{
    public string Name => "MetricsSummary";

    public string Route => "api/v1/metrics/summary";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(collector.Enabled
            ? RouterResponse.Json(200, MetricsSummary.Write(collector))
            : RouterPipeline.Error(RouterException.NotFound("Metrics are disabled (global.services.observability.metrics.enabled: false).")));
}
