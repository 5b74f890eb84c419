using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Plugin;

/// <summary>What a miss remembers for the response phase: where to write and whether it leads a single flight.</summary>
internal sealed record PendingWrite(CacheKey Key, float[]? Embedding, bool LeadsFlight);
