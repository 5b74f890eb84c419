using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Complexity;

/// <summary>Returns three leaves per rule (<c>name:easy|medium|hard</c>); exactly one of them matches.</summary>
internal sealed class ComplexityEvaluator((ComplexityRule Rule, CandidateSet Hard, CandidateSet Easy)[] rules, LearnedModels models) : ISignalEvaluator
{
    public string Type => "complexity";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var query = await PromptFeatures.EmbedLastUser(context, models, cancellationToken).ConfigureAwait(false);
        var results = new List<SignalMatch>(rules.Length * 3);
        foreach (var (rule, hard, easy) in rules)
        {
            var hardSim = (await hard.SimilaritiesAsync(query).ConfigureAwait(false)).Max();
            var easySim = (await easy.SimilaritiesAsync(query).ConfigureAwait(false)).Max();
            var contrast = hardSim - easySim;
            var level = contrast >= rule.Threshold ? "hard" : contrast <= -rule.Threshold ? "easy" : "medium";
            var detail = new ComplexityDetail(level, contrast, hardSim, easySim);
            foreach (var l in ComplexitySignalKind.Levels)
            {
                var matched = l == level;
                var confidence = matched ? Math.Clamp(0.5 + (Math.Abs(contrast) / 2), 0, 1) : 0;
                results.Add(new SignalMatch(Type, rule.Name + ":" + l, matched, confidence, detail));
            }
        }

        return results;
    }
}

/// <summary>Explain detail: the level, the contrast and the best similarities on each side.</summary>
public sealed record ComplexityDetail(string Level, double Contrast, double HardSimilarity, double EasySimilarity);
