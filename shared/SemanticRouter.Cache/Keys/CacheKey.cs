namespace SemanticRouter.Cache.Keys;

/// <summary>
/// Where an answer may be stored and found. <see cref="Partition"/> hashes everything that must be
/// equal for two requests to share an answer (tenant and user scope, models, decision, the
/// request fingerprint, the embedder, the entity guard); <see cref="Exact"/> adds the normalised
/// last user message. <see cref="Terms"/> are the hashed content words of the last user message for
/// the near-miss guard (null when the guard is off); <see cref="StrictTerms"/> asks the guard to
/// refuse any difference. Only hashes and the scope/model names (for invalidation) are kept, never
/// prompt text.
/// </summary>
public sealed record CacheKey(string Tenant, string User, string Model, string Partition, string Exact, string? Terms = null, bool StrictTerms = false);
