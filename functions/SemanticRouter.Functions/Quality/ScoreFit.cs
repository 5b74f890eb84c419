namespace SemanticRouter.Functions.Quality;

/// <summary>
/// Per group (a domain rule), each model's mean score with a 95% interval: Wilson's for correct/incorrect scores,
/// the normal approximation for graded ones.
/// </summary>
internal static class ScoreFit
{
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
