using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Embedding;

/// <summary>
/// <c>embedding</c> signals: cosine similarity of the last user turn to a rule's <c>candidates</c>, aggregated by
/// <c>aggregation_method</c> (max, the default; mean; any) and compared with <c>threshold</c>.
/// </summary>
public sealed class EmbeddingSignalKind(Func<LearnedModels> models) : ISignalKind
{
    /// <summary>Default similarity threshold, from the held-out paraphrase evaluation of the default embedder (models/README.md).</summary>
    public const double DefaultThreshold = 0.75;

    /// <summary>Most candidates one rule may list (each is embedded once and compared on every request).</summary>
    internal const int MaxCandidates = 256;

    public string Type => "embedding";

    public string ConfigKey => "embeddings";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "candidates", "threshold", "aggregation_method", "query_modality");
        var name = node.String("name", required: true);
        var threshold = node.Double("threshold", -1, 1) ?? DefaultThreshold;
        node.Enum("query_modality", "text");
        var aggregation = node.Enum("aggregation_method", "max", "mean", "any") switch
        {
            "mean" => AggregationMethod.Mean,
            "any" => AggregationMethod.Any,
            _ => AggregationMethod.Max,
        };
        var candidates = node.StringList("candidates");
        if (candidates.Count == 0)
        {
            node["candidates"].Error("must list at least one candidate phrase");
        }
        else if (candidates.Count > MaxCandidates)
        {
            node["candidates"].Error($"at most {MaxCandidates} candidates");
        }

        return name is null || candidates.Count is 0 or > MaxCandidates ? null : new EmbeddingRule(name, candidates, threshold, aggregation);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.SentenceEmbedder);
        return new EmbeddingEvaluator(rules.Cast<EmbeddingRule>().Select(r => (r, new CandidateSet(r.Candidates, learned))).ToArray(), learned);
    }
}
