using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Plugin;

/// <summary><c>exact</c>: same normalised text only; <c>semantic</c>: nearest by embedding; <c>exact_then_semantic</c>: exact first, then nearest.</summary>
public enum CacheMode
{
    Exact,
    Semantic,
    ExactThenSemantic,
}

/// <summary>
/// A decision's <c>response_cache</c> plugin configuration. Null fields fall back to the global
/// <c>stores.response_cache</c> block.
/// </summary>
public sealed record ResponseCacheSettings(
    CacheMode Mode,
    double? SimilarityThreshold,
    int? TtlSeconds,
    CacheScope Scope,
    bool EntityGuard,
    ContentGuardMode ContentGuard = ContentGuardMode.Strict);
