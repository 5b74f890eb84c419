namespace SemanticRouter.Core.Config;

/// <summary>`global`: process-wide settings.</summary>
public sealed record GlobalConfig(RouterSettings Router, UpstreamSettings Upstream, IReadOnlyDictionary<string, object> Extensions)
{
    public static GlobalConfig Default { get; } = new(RouterSettings.Default, UpstreamSettings.Default, new Dictionary<string, object>());
}

/// <summary>`global.router`.</summary>
public sealed record RouterSettings(
    IReadOnlyList<string> AutoModelNames,
    bool IncludeConfigModelsInList,
    long MaxBodyBytes,
    int MaxMessages)
{
    public static RouterSettings Default { get; } = new(["MoM", "auto"], true, 4 * 1024 * 1024, 2048);
}

/// <summary>`global.upstream`: time budget and retries across backends and fallback models.</summary>
public sealed record UpstreamSettings(
    TimeSpan RequestBudget,
    TimeSpan ConnectTimeout,
    TimeSpan FirstByteTimeout,
    int MaxAttempts)
{
    public static UpstreamSettings Default { get; } = new(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 4);
}
