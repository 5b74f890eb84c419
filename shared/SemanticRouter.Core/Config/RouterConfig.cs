namespace SemanticRouter.Core.Config;

/// <summary>The whole validated router configuration. Immutable; a reload builds a new one.</summary>
public sealed record RouterConfig(string Version, ProvidersConfig Providers, RoutingConfig Routing, GlobalConfig Global)
{
    public ModelConfig? FindModel(string name)
    {
        foreach (var m in Providers.Models)
        {
            if (string.Equals(m.Name, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return null;
    }
}
