using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Cache.Memory.Vectors;

namespace SemanticRouter.Cache.Memory;

/// <summary>Limits of the in-process store: an entry count and an estimate of the bytes the entries hold (<see cref="MemoryCacheEntry.EstimatedBytes"/>).</summary>
internal sealed record MemoryStoreOptions(int MaxEntries, EvictionPolicyKind Eviction, int AnnMinEntries, HnswParameters Hnsw, long MaxBytes = long.MaxValue);
