using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Memory;

/// <summary>One stored answer of the memory backend.</summary>
internal sealed class MemoryCacheEntry(long id, CacheKey key, byte[] completion, long expiresAtTicks, int vectorDimension)
{
    /// <summary>
    /// What one entry costs beyond its answer, vector and key strings: the entry and key objects, three dictionary
    /// slots, the eviction policy's node and the vector index's row (measured with the memory benchmark, docs/caching.md).
    /// </summary>
    public const int OverheadBytes = 1024;

    public long Id { get; } = id;

    public CacheKey Key { get; } = key;

    public byte[] Completion { get; } = completion;

    public long ExpiresAtTicks { get; } = expiresAtTicks;

    public bool HasVector => vectorDimension > 0;

    /// <summary>The bytes this entry keeps alive, estimated: what <c>max_bytes</c> bounds.</summary>
    public long EstimatedBytes { get; } =
        completion.Length + (4L * vectorDimension) +
        (2L * (key.Exact.Length + key.Partition.Length + key.Tenant.Length + key.User.Length + key.Model.Length + (key.Terms?.Length ?? 0))) +
        OverheadBytes;

    public bool IsExpired(long nowTicks) => nowTicks >= ExpiresAtTicks;
}
