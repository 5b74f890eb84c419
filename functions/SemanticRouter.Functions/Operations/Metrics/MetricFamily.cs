using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// Everything recorded on one instrument, split into series by label values. The number of series
/// is capped so a bug that puts unbounded values into a label cannot exhaust memory; excess
/// measurements land in one series whose labels all read <c>_overflow</c>.
/// </summary>
internal sealed class MetricFamily
{
    public const int MaxSeries = 2000;
    private const string Overflow = "_overflow";

    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();

    private MetricFamily(string name, string help, MetricKind kind, IReadOnlyList<double> bounds)
    {
        Name = name;
        Help = help;
        Kind = kind;
        Bounds = bounds;
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    public IReadOnlyList<double> Bounds { get; }

    public ICollection<MetricSeries> Series => _series.Values;

    public static MetricFamily? For(Instrument instrument)
    {
        var name = PrometheusText.MetricName(instrument.Name);
        var help = instrument.Description ?? string.Empty;
        return instrument switch
        {
            Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => new MetricFamily(name, help, MetricKind.Counter, []),
            Histogram<double> h => new MetricFamily(name, help, MetricKind.Histogram, h.Advice?.HistogramBucketBoundaries ?? MetricBuckets.Completion),
            Histogram<long> h => new MetricFamily(name, help, MetricKind.Histogram, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? MetricBuckets.Completion),
            _ => null,
        };
    }

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Get(tags);
        if (Kind == MetricKind.Histogram)
        {
            series.Observe(value, Bounds);
        }
        else
        {
            series.Add(value);
        }
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Get(tags);
        if (Kind == MetricKind.Histogram)
        {
            series.Observe(value, Bounds);
        }
        else
        {
            series.Add(value);
        }
    }

    private MetricSeries Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = SeriesKey.From(tags);
        return _series.TryGetValue(key, out var series) ? series : Add(key, tags);
    }

    // Kept out of Get: the lambda's captures would otherwise be allocated on every recording, hit or miss.
    private MetricSeries Add(SeriesKey key, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        var values = new string[tags.Length];
        var overflow = _series.Count >= MaxSeries;
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = PrometheusText.LabelName(tags[i].Key);
            values[i] = overflow ? Overflow : Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        if (overflow)
        {
            key = SeriesKey.Overflowed(tags.Length);
        }

        return _series.GetOrAdd(key, _ => new MetricSeries(names, values, Kind == MetricKind.Histogram ? Bounds.Count + 1 : 0));
    }
}
