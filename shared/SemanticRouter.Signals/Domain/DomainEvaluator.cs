using SemanticRouter.Core.Signals;
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
            results[i] = new SignalMatch(Type, rule.Name, matched, confidence, new DomainDetail(category, domain.Label, domain.Score));
        }

        return results;
    }
}

/// <summary>Explain detail: the category used for matching, and the classifier's raw top label and score.</summary>
public sealed record DomainDetail(string Category, string PredictedLabel, double PredictedScore);
