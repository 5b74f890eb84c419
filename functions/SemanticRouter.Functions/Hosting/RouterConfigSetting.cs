namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// <c>SEMANTIC_ROUTER_CONFIG</c>: the router YAML, relative to the app root (the Functions app folder) or the current
/// folder (standalone <c>serve</c>). Under the Functions host it defaults to <see cref="Default"/>, the path the
/// Bicep/Terraform deployment sets and <c>functions/publish.sh</c> refuses to publish without.
/// </summary>
internal static class RouterConfigSetting
{
    public const string Name = "SEMANTIC_ROUTER_CONFIG";

    public const string Default = "config/router.yaml";

    /// <summary>The full path the setting names, resolved against <paramref name="root"/>; null when it is not set.</summary>
    public static string? Resolve(Func<string, string?> environment, string root) =>
        environment(Name) is { Length: > 0 } setting ? Path.GetFullPath(Path.Combine(root, setting)) : null;
}
