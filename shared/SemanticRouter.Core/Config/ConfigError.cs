namespace SemanticRouter.Core.Config;

/// <summary>One problem found in a config file, located by its YAML path (and line when known).</summary>
public sealed record ConfigError(string Path, string Message, int Line = 0)
{
    public override string ToString() => Line > 0 ? $"{Path} (line {Line}): {Message}" : $"{Path}: {Message}";
}
