namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>The Prometheus metric types the exposition writes.</summary>
internal enum MetricKind
{
    Counter,
    Histogram,
}
