using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>One series of a collected metric: its labels, a counter's value or a histogram's count, sum and cumulative buckets.</summary>
internal sealed record MetricPointSnapshot(IReadOnlyDictionary<string, string> Labels, double Value, double Sum, long[] CumulativeBuckets)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A metric as the OpenTelemetry SDK aggregated it (cumulative since start), copied out of the export batch.</summary>
internal sealed record MetricSnapshot(string Name, IReadOnlyList<double> Bounds, IReadOnlyList<MetricPointSnapshot> Points);

/// <summary>
/// An OpenTelemetry exporter that keeps the last collected batch in memory for the dashboard summary. Metric points
/// are only valid during <see cref="Export"/>, so they are copied.
/// </summary>
internal sealed class SnapshotExporter : BaseExporter<Metric>
{
    public IReadOnlyList<MetricSnapshot> Latest { get; private set; } = [];

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var metrics = new List<MetricSnapshot>();
        foreach (var metric in batch)
        {
            var points = new List<MetricPointSnapshot>();
            IReadOnlyList<double> bounds = [];
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    labels[tag.Key] = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                }

                switch (metric.MetricType)
                {
                    case MetricType.LongSum:
                        points.Add(new MetricPointSnapshot(labels, point.GetSumLong(), 0, []));
                        break;
                    case MetricType.DoubleSum:
                        points.Add(new MetricPointSnapshot(labels, point.GetSumDouble(), 0, []));
                        break;
                    case MetricType.Histogram:
                        var finite = new List<double>();
                        var cumulative = new List<long>();
                        long running = 0;
                        foreach (var bucket in point.GetHistogramBuckets())
                        {
                            running += bucket.BucketCount;
                            cumulative.Add(running);
                            if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                            {
                                finite.Add(bucket.ExplicitBound);
                            }
                        }

                        bounds = finite;
                        points.Add(new MetricPointSnapshot(labels, point.GetHistogramCount(), point.GetHistogramSum(), [.. cumulative]));
                        break;
                }
            }

            metrics.Add(new MetricSnapshot(metric.Name, bounds, points));
        }

        Latest = metrics;
        return ExportResult.Success;
    }
}
