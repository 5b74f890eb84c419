namespace SemanticRouter.Core.Signals;

/// <summary>
/// A signal detail that knows how likely the prompt belongs to its rule, whether or not the rule matched (a
/// classifier's probability for the rule's categories). cost_quality's <c>category_scoring: expected</c> weighs each
/// rule's model_scores by it instead of reading only the matched rule.
/// </summary>
public interface IRuleProbability
{
    double Probability { get; }
}
