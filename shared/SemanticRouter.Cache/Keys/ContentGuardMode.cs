namespace SemanticRouter.Cache.Keys;

/// <summary>
/// How the content-word guard compares a cached question with a semantic match (<c>content_guard</c>):
/// <c>false</c> not at all, <c>true</c> refuses substitutions and two-word swaps, <c>strict</c> refuses
/// any content-word difference (added qualifiers too). docs/caching.md measures each.
/// </summary>
public enum ContentGuardMode
{
    Off,
    Substitution,
    Strict,
}
