using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Decisions;

/// <summary>Picks the winning decision among those whose rules match, per the routing strategy.</summary>
public sealed class DecisionEngine(IReadOnlyList<DecisionConfig> decisions, RoutingStrategy strategy)
{
    public DecisionResult? Select(SignalResults results)
    {
        DecisionResult? best = null;
        List<DecisionResult>? matches = null;
        var tiered = false;
        foreach (var decision in decisions)
        {
            var leaves = new List<SignalMatch>();
            var (matched, confidence) = RuleEvaluator.Evaluate(decision.Rules, results, leaves);
            if (!matched)
            {
                continue;
            }

            var candidate = new DecisionResult(decision, confidence, leaves);
            tiered |= decision.Tier > 0;
            (matches ??= []).Add(candidate);
            if (best is null || Better(candidate, best, tiered: false))
            {
                best = candidate;
            }
        }

        if (tiered)
        {
            // As in the anchor: once any match has a tier, the order is tier (ascending, unset = 0), confidence,
            // priority, name.
            best = null;
            foreach (var candidate in matches!)
            {
                if (best is null || Better(candidate, best, tiered: true))
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    private bool Better(DecisionResult a, DecisionResult b, bool tiered)
    {
        if (tiered && a.Decision.Tier != b.Decision.Tier)
        {
            return a.Decision.Tier < b.Decision.Tier;
        }

        // Tiered selection ranks confidence before priority whatever the strategy (the anchor's rule).
        int order = tiered || strategy == RoutingStrategy.Confidence
            ? Compare(a.Confidence, b.Confidence, a.Decision.Priority, b.Decision.Priority)
            : Compare(a.Decision.Priority, b.Decision.Priority, a.Confidence, b.Confidence);
        return order > 0 || (order == 0 && string.CompareOrdinal(a.Decision.Name, b.Decision.Name) < 0);
    }

    private static int Compare(double first1, double first2, double second1, double second2)
    {
        var c = first1.CompareTo(first2);
        return c != 0 ? c : second1.CompareTo(second2);
    }
}
