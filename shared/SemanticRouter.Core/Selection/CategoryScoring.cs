namespace SemanticRouter.Core.Selection;

/// <summary>
/// <c>category_scoring</c> of cost_quality: which model_scores a model is judged by. <c>top</c>: the matched rule's
/// (the classifier's first-ranked category). <c>expected</c>: the mean of every scored rule's scores weighted by the
/// classifier's probability for that rule, a per-prompt estimate instead of one value per category.
/// </summary>
public enum CategoryScoring
{
    Top,
    Expected,
}

/// <summary>Explain detail of <c>category_scoring: expected</c>: one scored rule and the weight its scores got.</summary>
public sealed record CategoryWeight(string Rule, double Probability);
