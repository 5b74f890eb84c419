using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Embedding;

/// <summary>One embedding of the prompt per request (shared with complexity), compared with every rule's candidates.</summary>
internal sealed class EmbeddingEvaluator((EmbeddingRule Rule, CandidateSet Candidates)[] rules, LearnedModels models) : ISignalEvaluator
{
    public string Type => "embedding";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var query = await PromptFeatures.EmbedLastUser(context, models, cancellationToken).ConfigureAwait(false);
        var results = new SignalMatch[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var (rule, candidates) = rules[i];
            var sims = await candidates.SimilaritiesAsync(query).ConfigureAwait(false);
            var best = 0;
            for (var k = 1; k < sims.Length; k++)
            {
                if (sims[k] > sims[best])
                {
                    best = k;
                }
            }

            double score = rule.Aggregation == AggregationMethod.Mean ? sims.Average() : sims[best];
            var matched = score >= rule.Threshold;
            results[i] = new SignalMatch(Type, rule.Name, matched, Math.Clamp(score, 0, 1), new EmbeddingDetail(score, best, sims[best]));
        }

        return results;
    }
}

/// <summary>Explain detail: the aggregated similarity, and the closest candidate (index into the rule's list) and its similarity.</summary>
public sealed record EmbeddingDetail(double Similarity, int BestCandidate, double BestSimilarity);
