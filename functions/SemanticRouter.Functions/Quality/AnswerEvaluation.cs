namespace SemanticRouter.Functions.Quality;

/// <summary>
/// The cost/quality curve of a router on an answer matrix, RouteLLM-style: the router's choice for every prompt at each
/// quality tolerance where some choice changes (below 0 too, so the curve runs from all-weak to all-strong calls),
/// against always-strong, always-weak, random and the oracle; APGR, CPT(50%) and CPT(80%) with bootstrap 95% intervals
/// (prompts resampled with replacement; the routing stays fixed). The strong model is the best-scoring model on the
/// matrix, the weak one the cheapest.
/// </summary>
internal static class AnswerEvaluation
{
    /// <summary>The most tolerances one sweep evaluates (see <see cref="Thin"/>).</summary>
    public const int MaxOperatingPoints = 400;

    public static AnswerReport Evaluate(AnswerMatrix matrix, IReadOnlyList<RoutingPlan> plans, IReadOnlyDictionary<string, double> prices, int bootstrap, int seed)
    {
        var rows = matrix.Rows;
        var n = rows.Count;
        if (n == 0 || plans.Count != n)
        {
            throw new FormatException("the answer matrix has no rows");
        }

        var models = matrix.Models.Where(prices.ContainsKey).ToList();
        if (models.Count < 2)
        {
            throw new FormatException($"the matrix scores fewer than two of the config's models (matrix: {string.Join(", ", matrix.Models)}; config: {string.Join(", ", prices.Keys)})");
        }

        var strong = models.OrderByDescending(m => rows.Average(r => r.Scores[m])).ThenByDescending(m => prices[m]).First();
        var weak = models.OrderBy(m => prices[m]).ThenBy(m => rows.Average(r => r.Scores[m])).First();
        if (strong == weak)
        {
            throw new FormatException($"{strong} is both the cheapest and the best-scoring model: there is no quality gap to buy back");
        }

        var perCallCost = rows.All(r => r.Tokens is not null);
        double Cost(AnswerRow row, string model) => prices[model] * (perCallCost ? row.TokensOf(model) / 1_000_000 : 1);

        // The tolerances where a choice can change, and one below them all (every prompt gets its dearest scored model).
        var breakpoints = Thin(plans.SelectMany(p => p.Breakpoints()).Distinct().Order().ToList());
        var tolerances = breakpoints.Count == 0 ? [0.0] : (List<double>)[breakpoints[0] - 1, .. breakpoints];
        var sweep = tolerances.Select(t => Choices(rows, plans, strong, p => p.ChooseAt(t))).ToArray();
        var configured = Choices(rows, plans, strong, p => p.ChooseAt(p.ConfiguredTolerance));

        var strongScores = rows.Select(r => r.Scores[strong]).ToArray();
        var weakScores = rows.Select(r => r.Scores[weak]).ToArray();
        var ones = Enumerable.Repeat(1, n).ToArray();

        List<(double Share, double Pgr)>? Curve(int[] weights)
        {
            var (qs, qw, total) = (Sum(weights, strongScores), Sum(weights, weakScores), (double)weights.Sum());
            var gap = (qs - qw) / total;
            return gap <= 0 ? null : sweep.Select(c => (c.StrongShare(weights, total), (c.Quality(weights, total) - (qw / total)) / gap)).ToList();
        }

        var full = CurveMetrics.Of(Curve(ones)!);
        var samples = new List<(double Apgr, double? Cpt50, double? Cpt80)>();
        var random = new Random(seed);
        var counts = new int[n];
        for (var b = 0; b < bootstrap; b++)
        {
            Array.Clear(counts);
            for (var k = 0; k < n; k++)
            {
                counts[random.Next(n)]++;
            }

            if (Curve(counts) is { } curve)
            {
                samples.Add(CurveMetrics.Of(curve));
            }
        }

        var qStrong = strongScores.Average();
        var qWeak = weakScores.Average();
        double Pgr(double quality) => (quality - qWeak) / (qStrong - qWeak);
        CurvePoint Point(double tolerance, Choice choice) =>
            new(tolerance, choice.StrongShare(ones, n), choice.Quality(ones, n), Pgr(choice.Quality(ones, n)), choice.Models.Select((m, i) => Cost(rows[i], m)).Average());

        // The oracle: per prompt the cheapest model with the best score for it.
        var oracleModels = rows.Select(r => models.Where(m => r.Scores[m] == models.Max(x => r.Scores[x])).OrderBy(m => prices[m]).First()).ToArray();
        var oracle = Choices(rows, oracleModels.Select(m => RoutingPlan.Fixed(m)).ToList(), strong, p => p.Models[0]);

        return new AnswerReport(
            n,
            strong,
            weak,
            qStrong,
            qWeak,
            rows.Average(r => Cost(r, strong)),
            rows.Average(r => Cost(r, weak)),
            perCallCost ? "USD per call (price per 1M tokens x answer tokens)" : "USD per 1M tokens (mean price of the chosen models; the matrix has no tokens)",
            new RouterMetrics(
                Interval(full.Apgr, samples.Select(s => (double?)s.Apgr)),
                Interval(full.Cpt50, samples.Select(s => s.Cpt50)),
                Interval(full.Cpt80, samples.Select(s => s.Cpt80))),
            new RouterMetrics(new Metric(0.5, null, null), new Metric(0.5, null, null), new Metric(0.8, null, null)),
            Point(double.NaN, oracle),
            Point(plans.Select(p => p.ConfiguredTolerance).Distinct().Count() == 1 ? plans[0].ConfiguredTolerance : double.NaN, configured),
            tolerances.Select((t, i) => Point(t, sweep[i])).OrderBy(p => p.StrongShare).ThenBy(p => p.Quality).ToList(),
            samples.Count,
            seed);
    }

    /// <summary>
    /// At most <see cref="MaxOperatingPoints"/> breakpoints: per-prompt scores (category_scoring: expected) give almost
    /// one breakpoint per prompt, and every point costs a pass over the prompts per bootstrap sample. Beyond the cap the
    /// sweep keeps evenly spaced quantiles of the breakpoints, always the first and the last; each kept point is still
    /// an exact operating point, and the curve between two of them is the mix of their tolerances, as everywhere.
    /// </summary>
    public static List<double> Thin(List<double> sorted)
    {
        if (sorted.Count <= MaxOperatingPoints)
        {
            return sorted;
        }

        var kept = new List<double>(MaxOperatingPoints);
        for (var k = 0; k < MaxOperatingPoints; k++)
        {
            var value = sorted[(int)Math.Round((double)k * (sorted.Count - 1) / (MaxOperatingPoints - 1))];
            if (kept.Count == 0 || kept[^1] != value)
            {
                kept.Add(value);
            }
        }

        return kept;
    }

    private static Choice Choices(IReadOnlyList<AnswerRow> rows, IReadOnlyList<RoutingPlan> plans, string strong, Func<RoutingPlan, string> choose)
    {
        var chosen = new string[rows.Count];
        var scores = new double[rows.Count];
        var isStrong = new bool[rows.Count];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i] = choose(plans[i]);
            scores[i] = rows[i].Scores[chosen[i]];
            isStrong[i] = chosen[i] == strong;
        }

        return new Choice(chosen, scores, isStrong);
    }

    private static double Sum(int[] weights, double[] values)
    {
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] * values[i];
        }

        return sum;
    }

    /// <summary>The point estimate with the 2.5th and 97.5th percentiles of the bootstrap samples (null where a sample never reaches it).</summary>
    private static Metric Interval(double? value, IEnumerable<double?> samples)
    {
        var all = samples.ToList();
        if (all.Count == 0)
        {
            return new Metric(value, null, null);
        }

        // A sample that never reaches the target needs more than all calls: it sorts above every reached share.
        var sorted = all.Select(s => s ?? double.PositiveInfinity).Order().ToArray();
        double? At(double q)
        {
            var v = sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
            return double.IsPositiveInfinity(v) ? null : v;
        }

        return new Metric(value, At(0.025), At(0.975));
    }

    /// <summary>The model chosen for each prompt at one operating point, with its score and whether it is the strong model (looked up once: the bootstrap reads them many times).</summary>
    private sealed record Choice(string[] Models, double[] Scores, bool[] IsStrong)
    {
        public double StrongShare(int[] weights, double total)
        {
            var sum = 0.0;
            for (var i = 0; i < IsStrong.Length; i++)
            {
                if (IsStrong[i])
                {
                    sum += weights[i];
                }
            }

            return sum / total;
        }

        public double Quality(int[] weights, double total) => Sum(weights, Scores) / total;
    }
}

/// <summary>What <c>eval --answers</c> reports (written as JSON; the curve also as CSV and a PNG plot).</summary>
internal sealed record AnswerReport(
    int Prompts,
    string StrongModel,
    string WeakModel,
    double StrongQuality,
    double WeakQuality,
    double StrongCost,
    double WeakCost,
    string CostUnit,
    RouterMetrics Router,
    RouterMetrics Random,
    CurvePoint Oracle,
    CurvePoint Configured,
    IReadOnlyList<CurvePoint> Curve,
    int BootstrapSamples,
    int Seed);

/// <summary>APGR, CPT(50%) and CPT(80%), each with its bootstrap 95% interval.</summary>
internal sealed record RouterMetrics(Metric Apgr, Metric Cpt50, Metric Cpt80);

/// <summary>A value (null: never reached) and its 95% interval (null bounds: no samples, or a bound never reached).</summary>
internal sealed record Metric(double? Value, double? Low, double? High);

/// <summary>One operating point: the tolerance (NaN for the oracle or mixed tolerances), share of strong calls, quality, PGR and mean cost.</summary>
internal sealed record CurvePoint(double Tolerance, double StrongShare, double Quality, double Pgr, double MeanCost);
