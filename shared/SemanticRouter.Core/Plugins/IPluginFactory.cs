using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Plugins;

/// <summary>Binds a plugin type's <c>configuration</c> block at load (with path-precise errors) and creates instances.</summary>
public interface IPluginFactory
{
    /// <summary>The canonical type name, e.g. <c>system_prompt</c>.</summary>
    string Type { get; }

    /// <summary>Other accepted spellings (e.g. <c>semantic-cache</c>).</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>Binds and validates settings; reports problems on <paramref name="configuration"/> and returns null when unusable.</summary>
    object? Bind(ConfigNode configuration);

    /// <summary>Creates the plugin for one decision of a validated config snapshot.</summary>
    IRoutePlugin Create(object settings, PluginCreationContext context);
}

/// <summary>What a plugin may know about where it sits when it is created.</summary>
public sealed record PluginCreationContext(RouterConfig Config, DecisionConfig Decision);
