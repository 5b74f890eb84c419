using SemanticRouter.Cache.Memory.Eviction;

namespace SemanticRouter.Cache.Plugin;

/// <summary><c>global.stores.response_cache</c>: the store every decision's cache plugin shares.</summary>
public sealed record ResponseCacheGlobalSettings(
    string BackendType,
    int MaxEntries,
    EvictionPolicyKind EvictionPolicy,
    string? EmbeddingModel,
    int TtlSeconds,
    double SimilarityThreshold,
    int AnnMinEntries,
    MilvusSettings? Milvus)
{
    /// <summary>
    /// Chosen on held-out paraphrase pairs with the stand-in hashing embedder so that constructed
    /// negatives give at most 1% false hits (docs/caching.md); retune when the embedder changes.
    /// </summary>
    public const double DefaultSimilarityThreshold = 0.7;

    public static ResponseCacheGlobalSettings Default { get; } = new("memory", 10_000, EvictionPolicyKind.Fifo, null, 3600, DefaultSimilarityThreshold, 20_000, null);
}

/// <summary><c>global.stores.response_cache.milvus</c>.</summary>
public sealed record MilvusSettings(string Uri, string? TokenEnv, string Collection, string? Database, double TimeoutSeconds);
