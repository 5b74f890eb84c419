using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Language;

/// <summary>Identifies the last user turn's language once and checks each rule's code.</summary>
internal sealed class LanguageEvaluator(LanguageRule[] rules, LearnedModels models) : ISignalEvaluator
{
    public string Type => "language";

    public ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var ranking = models.LanguageIdentifier.Identify(context.Request.LastUserText);
        var top = ranking.Count > 0 ? ranking[0] : (Language: "und", Probability: 0.0);
        var results = new SignalMatch[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var p = ranking.FirstOrDefault(r => r.Language == rule.Code).Probability;
            var matched = top.Language == rule.Code && p >= rule.Threshold;
            results[i] = new SignalMatch(Type, rule.Name, matched, p, new LanguageDetail(top.Language, top.Probability));
        }

        return ValueTask.FromResult<IReadOnlyList<SignalMatch>>(results);
    }
}

/// <summary>Explain detail: the identified language and its probability.</summary>
public sealed record LanguageDetail(string Language, double Probability);
