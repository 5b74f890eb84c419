using SemanticRouter.Core.Signals;
using SemanticRouter.Inference.Models;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Domain;

/// <summary>One shared prompt-classifier pass; each rule checks the (thresholded) category.</summary>
internal sealed class DomainEvaluator(DomainRule[] rules, LearnedModels models) : ISignalEvaluator
{
    public string Type => "domain";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var heads = await PromptFeatures.ClassifyLastUser(context, models, cancellationToken).ConfigureAwait(false);
        var domain = heads["domain"];
        var results = new SignalMatch[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var category = domain.Score >= rule.Threshold ? domain.Label : rule.FallbackCategory;
            var matched = rule.Categories.Contains(category);
            var confidence = matched ? (category == domain.Label ? domain.Score : 1 - domain.Score) : domain.Score;
            results[i] = new SignalMatch(Type, rule.Name, matched, confidence, new DomainDetail(category, domain.Label, domain.Score, Probability(domain.Scores, rule.Categories)));
        }

        return results;
    }

    /// <summary>The classifier's probability for the rule's categories (their sum), whatever the threshold: what category_scoring: expected weighs by.</summary>
    private static double Probability(IReadOnlyList<LabelScore> scores, IReadOnlyList<string> categories)
    {
        var p = 0.0;
        foreach (var s in scores)
        {
            foreach (var c in categories)
            {
                if (s.Label == c)
                {
                    p += s.Score;
                }
            }
        }

        return p;
    }
}

/// <summary>
/// Explain detail: the category used for matching, the classifier's raw top label and score, and its probability for
/// this rule's categories (read by cost_quality's <c>category_scoring: expected</c>).
/// </summary>
public sealed record DomainDetail(string Category, string PredictedLabel, double PredictedScore, double Probability) : IRuleProbability;
