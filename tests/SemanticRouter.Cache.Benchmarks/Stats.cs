namespace SemanticRouter.Cache.Benchmarks;

/// <summary>Percentiles of a latency sample, in milliseconds.</summary>
internal static class Stats
{
    public static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static string Summary(List<double> ms) =>
        $"p50 {Percentile(ms, 50):0.000} ms, p90 {Percentile(ms, 90):0.000} ms, p99 {Percentile(ms, 99):0.000} ms (n={ms.Count})";
}
