using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text exposition of the router's meter, rendered by the OpenTelemetry Prometheus
/// exporter (admin key when auth is on).
/// </summary>
internal sealed class MetricsFunction(MetricsCollector collector) : IRouterFunction
{
    public string Name => "Metrics";

    public string Route => "metrics";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        if (!collector.Enabled)
        {
            return RouterPipeline.Error(RouterException.NotFound("Metrics are disabled (global.services.observability.metrics.enabled: false)."));
        }

        var (body, contentType) = await collector.ScrapeAsync(cancellationToken).ConfigureAwait(false);
        return new RouterResponse { StatusCode = 200, ContentType = contentType, Body = body };
    }
}
