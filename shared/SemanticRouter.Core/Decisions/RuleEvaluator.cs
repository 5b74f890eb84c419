using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Decisions;

/// <summary>
/// Evaluates a rule tree with the anchor's semantics: AND matches when every child matches with
/// the mean confidence (an empty AND is a catch-all with confidence 0), OR takes the best matching
/// child, NOT matches with confidence 1 when its single child does not.
/// </summary>
public static class RuleEvaluator
{
    public static (bool Matched, double Confidence) Evaluate(RuleNodeConfig node, SignalResults results, List<SignalMatch>? matchedLeaves)
    {
        if (node.IsLeaf)
        {
            var m = results.Find(node.Type!, node.Name!);
            if (m is { Matched: true })
            {
                matchedLeaves?.Add(m);
                return (true, m.Confidence);
            }

            return (false, 0);
        }

        switch (node.Operator)
        {
            case "AND":
                {
                    if (node.Conditions.Count == 0)
                    {
                        return (true, 0);
                    }

                    // Index loops: foreach over the IReadOnlyList would box an enumerator per node per request.
                    var sum = 0.0;
                    for (var i = 0; i < node.Conditions.Count; i++)
                    {
                        var (matched, confidence) = Evaluate(node.Conditions[i], results, matchedLeaves);
                        if (!matched)
                        {
                            return (false, 0);
                        }

                        sum += confidence;
                    }

                    return (true, sum / node.Conditions.Count);
                }

            case "OR":
                {
                    var any = false;
                    var best = 0.0;
                    for (var i = 0; i < node.Conditions.Count; i++)
                    {
                        var (matched, confidence) = Evaluate(node.Conditions[i], results, matchedLeaves);
                        if (matched)
                        {
                            any = true;
                            best = Math.Max(best, confidence);
                        }
                    }

                    return (any, any ? best : 0);
                }

            case "NOT":
                {
                    var (matched, _) = Evaluate(node.Conditions[0], results, null);
                    return matched ? (false, 0) : (true, 1.0);
                }

            default:
                throw new InvalidOperationException("unvalidated rule operator " + node.Operator);
        }
    }

    /// <summary>Every (type, name) leaf under a node, so only referenced signals are evaluated.</summary>
    public static IEnumerable<(string Type, string Name)> Leaves(RuleNodeConfig node)
    {
        if (node.IsLeaf)
        {
            yield return (node.Type!, node.Name!);
            yield break;
        }

        foreach (var child in node.Conditions)
        {
            foreach (var leaf in Leaves(child))
            {
                yield return leaf;
            }
        }
    }
}
