using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Cache.Memory.Vectors;

namespace SemanticRouter.Cache.Memory;

/// <summary>Limits of the in-process store.</summary>
internal sealed record MemoryStoreOptions(int MaxEntries, EvictionPolicyKind Eviction, int AnnMinEntries, HnswParameters Hnsw)
{
    public static MemoryStoreOptions Default { get; } = new(10_000, EvictionPolicyKind.Fifo, 20_000, new HnswParameters());
}
