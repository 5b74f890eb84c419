namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// Estimates a quantile from cumulative bucket counts the way PromQL's <c>histogram_quantile</c>
/// does: linear interpolation inside the bucket that holds the rank; the +Inf bucket answers with
/// the highest finite bound.
/// </summary>
internal static class HistogramQuantile
{
    public static double? Estimate(double q, IReadOnlyList<double> bounds, IReadOnlyList<long> cumulative)
    {
        if (cumulative.Count == 0 || cumulative[^1] == 0)
        {
            return null;
        }

        var rank = q * cumulative[^1];
        for (var i = 0; i < cumulative.Count; i++)
        {
            if (cumulative[i] < rank)
            {
                continue;
            }

            if (i >= bounds.Count)
            {
                return bounds.Count > 0 ? bounds[^1] : null;
            }

            var lower = i == 0 ? 0 : bounds[i - 1];
            var below = i == 0 ? 0 : cumulative[i - 1];
            var inBucket = cumulative[i] - below;
            return inBucket == 0 ? bounds[i] : lower + ((bounds[i] - lower) * (rank - below) / inBucket);
        }

        return bounds.Count > 0 ? bounds[^1] : null;
    }
}
