using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Memory;

/// <summary>One stored answer of the memory backend.</summary>
internal sealed class MemoryCacheEntry(long id, CacheKey key, byte[] completion, long expiresAtTicks, bool hasVector)
{
    public long Id { get; } = id;

    public CacheKey Key { get; } = key;

    public byte[] Completion { get; } = completion;

    public long ExpiresAtTicks { get; } = expiresAtTicks;

    public bool HasVector { get; } = hasVector;

    public bool IsExpired(long nowTicks) => nowTicks >= ExpiresAtTicks;
}
