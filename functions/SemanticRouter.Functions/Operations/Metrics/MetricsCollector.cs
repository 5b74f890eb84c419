using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// Listens to the router's meter (only the instance this app created, so several apps in one
/// process — tests — keep separate numbers) and aggregates every measurement in memory for
/// <c>GET /metrics</c> and the dashboard summary. Counters and histograms are cumulative since start,
/// as Prometheus expects.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, MetricFamily> _families = new();

    /// <param name="enabled">False leaves the meter without a listener (global.services.observability.metrics.enabled: false).</param>
    public MetricsCollector(RouterMetrics metrics, bool enabled)
    {
        Enabled = enabled;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter) && MetricFamily.For(instrument) is { } family)
                {
                    _families[instrument] = family;
                    listener.EnableMeasurementEvents(instrument, family);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        if (enabled)
        {
            _listener.Start();
        }
    }

    public bool Enabled { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public IEnumerable<MetricFamily> Families => _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal);

    public MetricFamily? Family(string name) => _families.Values.FirstOrDefault(f => f.Name == name);

    /// <summary>Writes every family in the text exposition format.</summary>
    public string WritePrometheusText()
    {
        var sb = new StringBuilder(16 * 1024);
        foreach (var family in Families)
        {
            sb.Append("# HELP ").Append(family.Name).Append(' ').Append(PrometheusText.EscapeHelp(family.Help)).Append('\n');
            sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Kind == MetricKind.Histogram ? "histogram" : "counter").Append('\n');
            var series = family.Series.OrderBy(s => string.Join('\u0001', s.LabelValues), StringComparer.Ordinal).ToList();
            if (series.Count == 0 && family.Kind == MetricKind.Counter)
            {
                // A counter that has not moved yet still shows 0, so rate() works from the first scrape.
                sb.Append(family.Name).Append(" 0\n");
                continue;
            }

            foreach (var s in series)
            {
                if (family.Kind == MetricKind.Counter)
                {
                    sb.Append(family.Name);
                    AppendLabels(sb, s, null);
                    sb.Append(' ').Append(PrometheusText.Number(s.Value)).Append('\n');
                    continue;
                }

                var cumulative = s.CumulativeBuckets();
                for (var i = 0; i < cumulative.Length; i++)
                {
                    var le = i < family.Bounds.Count ? PrometheusText.Number(family.Bounds[i]) : "+Inf";
                    sb.Append(family.Name).Append("_bucket");
                    AppendLabels(sb, s, le);
                    sb.Append(' ').Append(cumulative[i]).Append('\n');
                }

                sb.Append(family.Name).Append("_sum");
                AppendLabels(sb, s, null);
                sb.Append(' ').Append(PrometheusText.Number(s.Sum)).Append('\n');
                sb.Append(family.Name).Append("_count");
                AppendLabels(sb, s, null);
                sb.Append(' ').Append(cumulative[^1]).Append('\n');
            }
        }

        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static void AppendLabels(StringBuilder sb, MetricSeries series, string? le)
    {
        if (series.LabelNames.Length == 0 && le is null)
        {
            return;
        }

        sb.Append('{');
        for (var i = 0; i < series.LabelNames.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(series.LabelNames[i]).Append("=\"");
            PrometheusText.AppendLabelValue(sb, series.LabelValues[i]);
            sb.Append('"');
        }

        if (le is not null)
        {
            if (series.LabelNames.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append("le=\"").Append(le).Append('"');
        }

        sb.Append('}');
    }
}
