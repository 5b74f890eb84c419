namespace SemanticRouter.Core.Config;

/// <summary>Thrown when a config has problems; carries every problem, not just the first.</summary>
public sealed class ConfigValidationException(IReadOnlyList<ConfigError> errors)
    : Exception("Invalid router config:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
