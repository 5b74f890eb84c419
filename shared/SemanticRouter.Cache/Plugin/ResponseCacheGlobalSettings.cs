using SemanticRouter.Cache.Memory.Eviction;

namespace SemanticRouter.Cache.Plugin;

/// <summary><c>global.stores.response_cache</c>: the store every decision's cache plugin shares.</summary>
public sealed record ResponseCacheGlobalSettings(
    string BackendType,
    int MaxEntries,
    long MaxBytes,
    EvictionPolicyKind EvictionPolicy,
    string EmbeddingModel,
    int TtlSeconds,
    double SimilarityThreshold,
    int AnnMinEntries,
    MilvusSettings? Milvus)
{
    /// <summary>
    /// Chosen on the tune split of paraphrase pairs with the stand-in hashing embedder so that constructed
    /// negatives give at most 0.5% false hits (docs/caching.md, the threshold benchmark).
    /// </summary>
    public const double HashingSimilarityThreshold = 0.7;

    /// <summary>The same choice rule with the sentence embedder (all-MiniLM-L6-v2), the default embedder.</summary>
    public const double SentenceEmbedderSimilarityThreshold = 0.8;

    /// <summary>The threshold used when neither the decision nor <c>global.stores.response_cache</c> sets one: tuned per embedder.</summary>
    public static double DefaultThresholdFor(string embedderName) =>
        embedderName == Embedding.HashingTextEmbedder.Name ? HashingSimilarityThreshold : SentenceEmbedderSimilarityThreshold;

    /// <summary>
    /// 64 MiB of estimated entry bytes (memory store): the smallest Flex Consumption instance (512 MB) keeps room for
    /// the models and requests whatever the answer sizes; 10 000 entries of 1-4 KB answers fit under it (docs/caching.md).
    /// </summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>Every default, for a host whose default embedder is <paramref name="embeddingModel"/>.</summary>
    public static ResponseCacheGlobalSettings DefaultsFor(string embeddingModel) =>
        new("memory", 10_000, DefaultMaxBytes, EvictionPolicyKind.Fifo, embeddingModel, 3600, DefaultThresholdFor(embeddingModel), 20_000, null);
}

/// <summary><c>global.stores.response_cache.milvus</c>.</summary>
public sealed record MilvusSettings(string Uri, string? TokenEnv, string Collection, string? Database, double TimeoutSeconds);
