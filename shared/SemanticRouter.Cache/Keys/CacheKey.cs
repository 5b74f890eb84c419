namespace SemanticRouter.Cache.Keys;

/// <summary>
/// Where an answer may be stored and found. <see cref="Partition"/> hashes everything that must be
/// equal for two requests to share an answer (tenant and user scope, models, decision, the
/// request fingerprint, the embedder, the entity guard); <see cref="Exact"/> adds the normalised
/// last user message. Only hashes and the scope/model names (for invalidation) are kept, never prompt text.
/// </summary>
public sealed record CacheKey(string Tenant, string User, string Model, string Partition, string Exact);
