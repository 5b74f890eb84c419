using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Storage;

/// <summary>
/// Where answers live (one per process for <c>memory</c>, shared for <c>milvus</c>). Answers are
/// complete <c>chat.completion</c> JSON bodies. Implementations must be thread-safe; a backend that
/// is unreachable reports misses and drops writes instead of failing the request.
/// </summary>
public interface IResponseCacheStore : IAsyncDisposable
{
    /// <summary><c>memory</c> or <c>milvus</c>.</summary>
    string Backend { get; }

    ValueTask<CacheHit?> FindExactAsync(CacheKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The most similar live entry in the key's partition when its cosine similarity reaches
    /// <paramref name="threshold"/> and the near-miss guard allows its question's terms
    /// (<see cref="NearMissGuard.Allows"/> on the stored and the looked-up <see cref="CacheKey.Terms"/>).
    /// </summary>
    ValueTask<CacheHit?> FindSimilarAsync(CacheKey key, float[] embedding, double threshold, CancellationToken cancellationToken);

    /// <summary>Stores an answer; <paramref name="embedding"/> is null for exact-only entries.</summary>
    ValueTask WriteAsync(CacheKey key, float[]? embedding, byte[] completion, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Removes entries matching every non-null field of <paramref name="filter"/> (all of them for an empty filter).</summary>
    ValueTask<long> InvalidateAsync(CacheInvalidation filter, CancellationToken cancellationToken);

    ValueTask<CacheStoreInfo> DescribeAsync(CancellationToken cancellationToken);
}

/// <summary>A cached answer and how it was found.</summary>
public sealed record CacheHit(byte[] Completion, double Similarity, bool Exact);

/// <summary>Which entries to drop; null fields match anything.</summary>
public sealed record CacheInvalidation(string? Tenant = null, string? User = null, string? Model = null)
{
    public bool IsFlush => Tenant is null && User is null && Model is null;
}

/// <summary>What a store reports about itself; counts are -1 when the backend cannot tell.</summary>
public sealed record CacheStoreInfo(string Backend, long Entries, long Evictions, long Expirations, long Failures);
