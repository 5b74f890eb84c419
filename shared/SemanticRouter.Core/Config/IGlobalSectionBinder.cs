namespace SemanticRouter.Core.Config;

/// <summary>
/// Binds one extension section under <c>global</c> (e.g. <c>stores.response_cache</c>), so features in
/// other projects validate their own settings with path-precise errors at load time.
/// </summary>
public interface IGlobalSectionBinder
{
    /// <summary>Dotted path below <c>global</c>, two segments at most, e.g. <c>stores.response_cache</c>.</summary>
    string Path { get; }

    /// <summary>Binds the section; called with a missing node too, so defaults can be produced.</summary>
    object? Bind(ConfigNode section);
}
