using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Memory;
using SemanticRouter.Cache.Memory.Vectors;
using SemanticRouter.Cache.Milvus;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Cache.Storage;
using SemanticRouter.Core.Embeddings;

namespace SemanticRouter.Cache.Operations;

/// <summary>
/// The process-wide cache state that outlives config snapshots: the store (kept across reloads
/// while its settings are unchanged, so a reload does not empty the cache), the embedder, the
/// single-flight table and the statistics. Plugins of every snapshot share it; the ops API reads it.
/// </summary>
public sealed class ResponseCacheRuntime : IAsyncDisposable
{
    private readonly IReadOnlyList<ITextEmbedder> _embedders;
    private readonly Func<string, string?> _environment;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly Func<HttpMessageHandler>? _milvusHandler;
    private readonly Lock _gate = new();
    private (ResponseCacheGlobalSettings Settings, IResponseCacheStore Store)? _current;

    public ResponseCacheRuntime(
        IEnumerable<ITextEmbedder> embedders,
        Func<string, string?>? environment = null,
        ILoggerFactory? loggers = null,
        TimeProvider? time = null,
        Func<HttpMessageHandler>? milvusHandler = null)
    {
        _embedders = embedders.ToList();
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        _milvusHandler = milvusHandler;
    }

    public CacheStatistics Statistics { get; } = new();

    internal SingleFlight Flights { get; } = new();

    public TimeProvider Time => _time;

    /// <summary>The store in use, or null before the first request that needed one.</summary>
    public IResponseCacheStore? CurrentStore
    {
        get
        {
            lock (_gate)
            {
                return _current?.Store;
            }
        }
    }

    /// <summary>
    /// The embedder for <paramref name="name"/>: the registered one with that config name (the model folder
    /// name; nothing is loaded to find it), or the hashing stand-in for its own name and when no name is configured. The default similarity
    /// threshold was tuned and measured for the stand-in (docs/caching.md); a registered model is
    /// used only when <c>embedding_model</c> names it, with a threshold tuned for it.
    /// </summary>
    public ITextEmbedder Embedder(string? name)
    {
        if (name is null)
        {
            return HashingFallback.Instance;
        }

        foreach (var e in _embedders)
        {
            if (string.Equals(e.ConfigName, name, StringComparison.Ordinal))
            {
                return e;
            }
        }

        if (name == HashingTextEmbedder.Name)
        {
            return HashingFallback.Instance;
        }

        throw new InvalidOperationException($"global.stores.response_cache.embedding_model \"{name}\" is not a registered embedder (available: {string.Join(", ", _embedders.Select(e => e.ConfigName).Append(HashingTextEmbedder.Name).Distinct())}).");
    }

    /// <summary>The store for these settings; the same instance as long as the store-shaping settings do not change.</summary>
    public IResponseCacheStore Store(ResponseCacheGlobalSettings settings)
    {
        lock (_gate)
        {
            if (_current is { } current && SameStore(current.Settings, settings))
            {
                return current.Store;
            }

            var store = Create(settings);
            _current = (settings, store);
            return store;
        }
    }

    public async ValueTask DisposeAsync()
    {
        IResponseCacheStore? store;
        lock (_gate)
        {
            store = _current?.Store;
            _current = null;
        }

        if (store is not null)
        {
            await store.DisposeAsync();
        }
    }

    private IResponseCacheStore Create(ResponseCacheGlobalSettings s)
    {
        if (s.BackendType == "milvus" && s.Milvus is { } m)
        {
            var token = m.TokenEnv is null ? null : _environment(m.TokenEnv);
            var handler = _milvusHandler?.Invoke() ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, m.TimeoutSeconds)) };
            var client = new MilvusRestClient(new Uri(m.Uri), token, m.Database, TimeSpan.FromSeconds(m.TimeoutSeconds), handler);
            return new MilvusResponseCacheStore(client, m.Collection, TimeSpan.FromSeconds(s.TtlSeconds), _time, _loggers.CreateLogger<MilvusResponseCacheStore>());
        }

        return new MemoryResponseCacheStore(new MemoryStoreOptions(s.MaxEntries, s.EvictionPolicy, s.AnnMinEntries, new HnswParameters(), s.MaxBytes), _time);
    }

    private static bool SameStore(ResponseCacheGlobalSettings a, ResponseCacheGlobalSettings b) =>
        a.BackendType == b.BackendType && a.MaxEntries == b.MaxEntries && a.MaxBytes == b.MaxBytes && a.EvictionPolicy == b.EvictionPolicy &&
        a.AnnMinEntries == b.AnnMinEntries && Equals(a.Milvus, b.Milvus);

    private static class HashingFallback
    {
        public static readonly HashingTextEmbedder Instance = new();
    }
}
