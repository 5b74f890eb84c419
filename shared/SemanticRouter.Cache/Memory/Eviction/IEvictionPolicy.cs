namespace SemanticRouter.Cache.Memory.Eviction;

/// <summary>Chooses which entry leaves when the cache is full. Not thread-safe: the store serialises calls.</summary>
internal interface IEvictionPolicy
{
    void Added(long id);

    /// <summary>The entry answered a lookup.</summary>
    void Accessed(long id);

    void Removed(long id);

    /// <summary>The entry to evict next, or null when empty.</summary>
    long? Victim();
}

/// <summary><c>eviction_policy</c> values.</summary>
public enum EvictionPolicyKind
{
    Fifo,
    Lru,
    Lfu,
}

internal static class EvictionPolicies
{
    public static IEvictionPolicy Create(EvictionPolicyKind kind) => kind switch
    {
        EvictionPolicyKind.Lru => new LruEviction(),
        EvictionPolicyKind.Lfu => new LfuEviction(),
        _ => new FifoEviction(),
    };
}
