namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// One labelled time series of an instrument: a running total (counters) or cumulative-ready
/// bucket counts with sum and count (histograms). Updated lock-free from any thread.
/// </summary>
internal sealed class MetricSeries
{
    private readonly long[]? _buckets;
    private long _longValue;
    private double _doubleValue;
    private long _count;

    /// <param name="bucketCount">Histogram buckets including +Inf; 0 for a counter.</param>
    public MetricSeries(string[] labelNames, string[] labelValues, int bucketCount)
    {
        LabelNames = labelNames;
        LabelValues = labelValues;
        _buckets = bucketCount > 0 ? new long[bucketCount] : null;
    }

    public string[] LabelNames { get; }

    public string[] LabelValues { get; }

    public double Value => Volatile.Read(ref _doubleValue) + Interlocked.Read(ref _longValue);

    public long Count => Interlocked.Read(ref _count);

    public double Sum => Volatile.Read(ref _doubleValue);

    public void Add(long value) => Interlocked.Add(ref _longValue, value);

    public void Add(double value) => AddDouble(ref _doubleValue, value);

    public void Observe(double value, IReadOnlyList<double> bounds)
    {
        var i = 0;
        while (i < bounds.Count && value > bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _buckets![i]);
        Interlocked.Increment(ref _count);
        AddDouble(ref _doubleValue, value);
    }

    /// <summary>Cumulative counts per upper bound (the last one is +Inf), as the text format wants them.</summary>
    public long[] CumulativeBuckets()
    {
        var result = new long[_buckets!.Length];
        long running = 0;
        for (var i = 0; i < result.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            result[i] = running;
        }

        return result;
    }

    private static void AddDouble(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
