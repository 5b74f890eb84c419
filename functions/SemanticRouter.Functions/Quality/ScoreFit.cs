namespace SemanticRouter.Functions.Quality;

/// <summary>
/// Per group (a domain rule), each model's mean score with a 95% interval: Wilson's for correct/incorrect scores,
/// the normal approximation for graded ones.
/// </summary>
internal static class ScoreFit
{
    private const double Z = 1.959963984540054;

    public static IReadOnlyDictionary<string, GroupFit> Fit(IEnumerable<(string Group, AnswerRow Row)> rows, IReadOnlyList<string> models)
    {
        var fits = new Dictionary<string, GroupFit>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.Group, StringComparer.Ordinal))
        {
            var list = group.Select(g => g.Row).ToList();
            fits[group.Key] = new GroupFit(list.Count, models.Select(m => Interval(m, list.Select(r => r.Scores[m]).ToList())).ToList());
        }

        return fits;
    }

    /// <summary>
    /// Soft assignment (<c>fit-scores --assignment soft</c>): every prompt counts for every group with its weight (the
    /// classifier's probability for the group). The score is the weighted mean; the interval treats the summed weight
    /// as the number of prompts (an approximation: it is the count when every weight is 0 or 1). Count: the summed
    /// weight, rounded.
    /// </summary>
    public static IReadOnlyDictionary<string, GroupFit> FitWeighted(IEnumerable<(string Group, AnswerRow Row, double Weight)> rows, IReadOnlyList<string> models)
    {
        var fits = new Dictionary<string, GroupFit>(StringComparer.Ordinal);
        foreach (var group in rows.Where(r => r.Weight > 0).GroupBy(r => r.Group, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var n = list.Sum(r => r.Weight);
            fits[group.Key] = new GroupFit((int)Math.Round(n), models.Select(m =>
            {
                var mean = list.Sum(r => r.Weight * r.Row.Scores[m]) / n;
                if (list.All(r => r.Row.Scores[m] is 0 or 1))
                {
                    var (low, high) = Wilson(mean, n);
                    return new ModelFit(m, mean, low, high);
                }

                var sd = Math.Sqrt(list.Sum(r => r.Weight * (r.Row.Scores[m] - mean) * (r.Row.Scores[m] - mean)) / Math.Max(n, 1e-12));
                var margin = Z * sd / Math.Sqrt(n);
                return new ModelFit(m, mean, Math.Max(0, mean - margin), Math.Min(1, mean + margin));
            }).ToList());
        }

        return fits;
    }

    private static (double Low, double High) Wilson(double mean, double n)
    {
        var centre = (mean + (Z * Z / (2 * n))) / (1 + (Z * Z / n));
        var half = Z / (1 + (Z * Z / n)) * Math.Sqrt((mean * (1 - mean) / n) + (Z * Z / (4.0 * n * n)));
        return (centre - half, centre + half);
    }

    public static ModelFit Interval(string model, IReadOnlyList<double> scores)
    {
        const double z = 1.959963984540054;
        var n = scores.Count;
        if (n == 0)
        {
            return new ModelFit(model, double.NaN, double.NaN, double.NaN);
        }

        var mean = scores.Average();
        if (scores.All(s => s is 0 or 1))
        {
            var centre = (mean + (z * z / (2 * n))) / (1 + (z * z / n));
            var half = z / (1 + (z * z / n)) * Math.Sqrt((mean * (1 - mean) / n) + (z * z / (4.0 * n * n)));
            return new ModelFit(model, mean, centre - half, centre + half);
        }

        var sd = n > 1 ? Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (n - 1)) : 0;
        var margin = z * sd / Math.Sqrt(n);
        return new ModelFit(model, mean, Math.Max(0, mean - margin), Math.Min(1, mean + margin));
    }
}

/// <summary>How many prompts a group had, and each model's fit.</summary>
internal sealed record GroupFit(int Count, IReadOnlyList<ModelFit> Models);

/// <summary>A model's mean score and its 95% interval.</summary>
internal sealed record ModelFit(string Model, double Score, double Low, double High);
