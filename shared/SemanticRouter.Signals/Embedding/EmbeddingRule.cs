using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Embedding;

/// <summary>How an embedding rule combines the prompt's similarity to its candidates.</summary>
public enum AggregationMethod
{
    /// <summary>The best candidate's similarity must reach the threshold.</summary>
    Max,

    /// <summary>The mean similarity must reach the threshold.</summary>
    Mean,

    /// <summary>Any candidate reaching the threshold matches (confidence = best similarity).</summary>
    Any,
}

/// <summary><c>routing.signals.embeddings[]</c>.</summary>
public sealed record EmbeddingRule(string Name, IReadOnlyList<string> Candidates, double Threshold, AggregationMethod Aggregation) : SignalRuleConfig(Name);
