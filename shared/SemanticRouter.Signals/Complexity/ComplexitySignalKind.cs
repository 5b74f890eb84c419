using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Complexity;

/// <summary>
/// <c>complexity</c> signals by embedding contrast (anchor semantics): contrast = best similarity to
/// <c>hard.candidates</c> − best similarity to <c>easy.candidates</c>; ≥ <c>threshold</c> is hard, ≤ −threshold easy,
/// otherwise medium. Decisions reference <c>&lt;rule&gt;:easy</c>, <c>:medium</c> or <c>:hard</c>.
/// An optional <c>composer</c> (<c>{operator, conditions}</c> over other signals, as in the anchor) gates the rule:
/// when it does not match, none of the rule's levels matches.
/// </summary>
public sealed class ComplexitySignalKind(Func<LearnedModels> models) : ISignalKind
{
    public const double DefaultThreshold = 0.05;

    public static readonly IReadOnlyList<string> Levels = ["easy", "medium", "hard"];

    public string Type => "complexity";

    public string ConfigKey => "complexity";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "threshold", "hard", "easy", "composer");
        var name = node.String("name", required: true);
        var threshold = node.Double("threshold", 0, 2) ?? DefaultThreshold;
        var hard = Candidates(node["hard"]);
        var easy = Candidates(node["easy"]);
        return name is null || hard.Count == 0 || easy.Count == 0 ? null : new ComplexityRule(name, threshold, hard, easy);
    }

    public IEnumerable<string> LeafNames(SignalRuleConfig rule) => Levels.Select(l => rule.Name + ":" + l);

    public bool SupportsComposer => true;

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.SentenceEmbedder);
        return new ComplexityEvaluator(
            rules.Cast<ComplexityRule>().Select(r => (r, new CandidateSet(r.Hard, learned), new CandidateSet(r.Easy, learned))).ToArray(),
            learned);
    }

    private static IReadOnlyList<string> Candidates(ConfigNode node)
    {
        if (!node.Exists)
        {
            node.Error("is required: {candidates: [example prompts]}");
            return [];
        }

        node.CheckKeys("candidates", "image_candidates");
        var list = node.StringList("candidates");
        if (list.Count == 0)
        {
            node["candidates"].Error("must list at least one example prompt");
        }
        else if (list.Count > EmbeddingSignalKind.MaxCandidates)
        {
            node["candidates"].Error($"at most {EmbeddingSignalKind.MaxCandidates} candidates");
            return [];
        }

        return list;
    }
}
