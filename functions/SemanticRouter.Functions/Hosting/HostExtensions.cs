using SemanticRouter.Core.Config;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Every signal kind, plugin and algorithm this app ships; `serve` and `validate` use the same set.</summary>
internal static class HostExtensions
{
    public static RouterExtensions Create() => RouterExtensionsDefaults.CreateCore();
}
