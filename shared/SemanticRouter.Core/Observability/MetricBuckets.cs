namespace SemanticRouter.Core.Observability;

/// <summary>
/// Histogram bucket boundaries (seconds), given to instruments as advice so any exporter (the
/// built-in Prometheus one, an OpenTelemetry SDK) uses the same ones.
/// </summary>
public static class MetricBuckets
{
    /// <summary>Routing, signal and plugin work: sub-millisecond to a few seconds.</summary>
    public static IReadOnlyList<double> Routing { get; } = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Upstream answers: tens of milliseconds to minutes.</summary>
    public static IReadOnlyList<double> Completion { get; } = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
}
