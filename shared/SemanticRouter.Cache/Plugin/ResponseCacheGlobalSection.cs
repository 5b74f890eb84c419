using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Cache.Plugin;

/// <summary>Binds <c>global.stores.response_cache</c> (defaults when the block is absent).</summary>
/// <param name="embedderNames">
/// The names <c>embedding_model</c> accepts besides the built-in <see cref="HashingTextEmbedder.Name"/>: the host's
/// embedders' model folder names (<c>sentence-embedder</c>), known without loading a model. The first is the default
/// embedder; a host without one defaults to the built-in.
/// </param>
public sealed class ResponseCacheGlobalSection(IReadOnlyCollection<string> embedderNames) : IGlobalSectionBinder
{
    public const string SectionPath = "stores.response_cache";

    private readonly string[] _embedderNames = [HashingTextEmbedder.Name, .. embedderNames.Where(n => n != HashingTextEmbedder.Name).Order(StringComparer.Ordinal)];

    private readonly ResponseCacheGlobalSettings _defaults = ResponseCacheGlobalSettings.DefaultsFor(embedderNames.FirstOrDefault() ?? HashingTextEmbedder.Name);

    public ResponseCacheGlobalSection()
        : this([])
    {
    }

    public string Path => SectionPath;

    public object? Bind(ConfigNode section)
    {
        var d = _defaults;
        if (!section.Exists)
        {
            return d;
        }

        section.CheckKeys("backend_type", "max_entries", "max_bytes", "eviction_policy", "embedding_model", "ttl_seconds", "similarity_threshold", "ann_min_entries", "milvus");
        var backend = section.Enum("backend_type", "memory", "milvus") ?? d.BackendType;
        var eviction = section.Enum("eviction_policy", "fifo", "lru", "lfu") switch
        {
            "lru" => EvictionPolicyKind.Lru,
            "lfu" => EvictionPolicyKind.Lfu,
            _ => EvictionPolicyKind.Fifo,
        };

        MilvusSettings? milvus = null;
        var m = section["milvus"];
        if (m.Exists)
        {
            m.CheckKeys("uri", "token_env", "collection", "db_name", "timeout_seconds");
            var uri = m.String("uri", required: true);
            if (uri is not null && !Uri.TryCreate(uri, UriKind.Absolute, out _))
            {
                m["uri"].Error($"must be an absolute http(s) URL, got \"{uri}\"");
            }

            var collection = m.StringOr("collection", "semantic_router_cache");
            if (!IsMilvusName(collection))
            {
                m["collection"].Error("must start with a letter or underscore and contain only letters, digits and underscores (at most 255)");
            }

            milvus = new MilvusSettings(uri ?? string.Empty, m.String("token_env"), collection, m.String("db_name"), m.Double("timeout_seconds", 0.05, 60) ?? 2.0);
        }
        else if (backend == "milvus")
        {
            section["milvus"].Error("is required when backend_type is milvus (at least milvus.uri)");
        }

        var embeddingModel = section.String("embedding_model");
        if (embeddingModel is not null && !_embedderNames.Contains(embeddingModel, StringComparer.Ordinal))
        {
            section["embedding_model"].Error($"unknown embedder \"{embeddingModel}\" (known: {string.Join(", ", _embedderNames)}; a model is named by its folder under models/)");
        }

        return new ResponseCacheGlobalSettings(
            backend,
            section.Int("max_entries", 1, 50_000_000) ?? d.MaxEntries,
            (long?)section.Double("max_bytes", 64 * 1024, 256d * 1024 * 1024 * 1024) ?? d.MaxBytes,
            eviction,
            embeddingModel ?? d.EmbeddingModel,
            section.Int("ttl_seconds", 1, 365 * 24 * 3600) ?? d.TtlSeconds,
            section.Double("similarity_threshold", 0, 1) ?? ResponseCacheGlobalSettings.DefaultThresholdFor(embeddingModel ?? d.EmbeddingModel),
            section.Int("ann_min_entries", 16, 100_000_000) ?? d.AnnMinEntries,
            milvus);
    }

    internal static bool IsMilvusName(string name) =>
        name.Length is > 0 and <= 255 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
