using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Complexity;

/// <summary>
/// Returns three leaves per rule (<c>name:easy|medium|hard</c>); exactly one of them matches, unless the rule's
/// composer does not match, in which case none does.
/// </summary>
internal sealed class ComplexityEvaluator((ComplexityRule Rule, CandidateSet Hard, CandidateSet Easy)[] rules, LearnedModels models) : IComposedSignalEvaluator
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

    /// <summary>
    /// Gates each rule with a composer by the decision engine's own rule evaluation over the other signals: when
    /// the composer does not match, the rule's leaves report unmatched (confidence 0); explain keeps the level the
    /// contrast gave and shows <c>composer: false</c>.
    /// </summary>
    public IReadOnlyList<SignalMatch> Compose(IReadOnlyList<SignalMatch> own, SignalResults all)
    {
        var gated = new SignalMatch[own.Count];
        for (var r = 0; r < rules.Length; r++)
        {
            var composer = rules[r].Rule.Composer;
            var open = composer is null || RuleEvaluator.Evaluate(composer, all, null).Matched;

            // EvaluateAsync emits the three levels of rules[r] at positions 3r … 3r+2.
            for (var i = 3 * r; i < (3 * r) + 3; i++)
            {
                var m = own[i];
                if (composer is null)
                {
                    gated[i] = m;
                    continue;
                }

                var detail = ((ComplexityDetail)m.Detail!) with { Composer = open };
                gated[i] = open ? m with { Detail = detail } : m with { Matched = false, Confidence = 0, Detail = detail };
            }
        }

        return gated;
    }
}

/// <summary>
/// Explain detail: the level, the contrast and the best similarities on each side, and for a rule with a composer
/// whether it matched (null without one).
/// </summary>
public sealed record ComplexityDetail(string Level, double Contrast, double HardSimilarity, double EasySimilarity)
{
    public bool? Composer { get; init; }
}
