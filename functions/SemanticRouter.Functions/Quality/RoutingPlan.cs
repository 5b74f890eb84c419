using SemanticRouter.Core.Selection;

namespace SemanticRouter.Functions.Quality;

/// <summary>
/// How the router chooses a model for one prompt as a function of the quality tolerance: the candidates (modelRefs in
/// written order) with their scores for the prompt's category (NaN: not scored) and prices, and the tolerance the config
/// sets. A decision that does not use cost_quality has no scores, so its first candidate is chosen at any tolerance.
/// </summary>
internal sealed record RoutingPlan(string[] Models, double[] Scores, double[] Prices, double ConfiguredTolerance)
{
    public static RoutingPlan Fixed(string model) => new([model], [double.NaN], [0], 0);

    /// <summary>The model chosen at <paramref name="tolerance"/>: the cost_quality rule, or the first candidate.</summary>
    public string ChooseAt(double tolerance)
    {
        var i = CostQualitySelection.Choose(Scores, Prices, tolerance);
        return Models[i < 0 ? 0 : i];
    }

    /// <summary>Tolerances at which the choice can change: a cheaper model becomes eligible at (best dearer score − its score).</summary>
    public IEnumerable<double> Breakpoints()
    {
        for (var i = 0; i < Models.Length; i++)
        {
            if (double.IsNaN(Scores[i]))
            {
                continue;
            }

            var dearerBest = double.NegativeInfinity;
            for (var j = 0; j < Models.Length; j++)
            {
                if (Prices[j] > Prices[i] && !double.IsNaN(Scores[j]))
                {
                    dearerBest = Math.Max(dearerBest, Scores[j]);
                }
            }

            if (!double.IsInfinity(dearerBest))
            {
                yield return dearerBest - Scores[i];
            }
        }
    }
}
