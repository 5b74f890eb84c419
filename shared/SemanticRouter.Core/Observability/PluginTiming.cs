using System.Diagnostics;

namespace SemanticRouter.Core.Observability;

/// <summary>Times one plugin's request phase (metric and span); a struct so timing allocates nothing.</summary>
public readonly struct PluginTiming : IDisposable
{
    private readonly RouterMetrics _metrics;
    private readonly string _type;
    private readonly Activity? _activity;
    private readonly long _started;

    internal PluginTiming(RouterMetrics metrics, string type, Activity? activity)
    {
        _metrics = metrics;
        _type = type;
        _activity = activity;
        _activity?.SetTag("router.plugin.type", type);
        _started = Stopwatch.GetTimestamp();
    }

    public void Dispose()
    {
        _metrics.PluginLatency(_type, Stopwatch.GetElapsedTime(_started));
        _activity?.Dispose();
    }
}
