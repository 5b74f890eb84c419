namespace SemanticRouter.Testing;

/// <summary>Locates the repository root (and, for benchmarks and evaluations only, the datasets folder beside it).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>
    /// The read-only `../shared/data` folder beside a developer's checkout (training and evaluation datasets). Not part
    /// of a clone: benchmarks and evaluations may read it, tests may not (InfraTests checks), so `dotnet test` passes on
    /// a clone of the repository alone.
    /// </summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SemanticRouter.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is not null)
        {
            return dir.FullName;
        }

        var built = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "SemanticRouter.sln")))
        {
            return Path.GetFullPath(built);
        }

        throw new InvalidOperationException("SemanticRouter.sln not found above " + AppContext.BaseDirectory);
    }
}
