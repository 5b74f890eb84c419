namespace SemanticRouter.Core.Config;

/// <summary>
/// <c>providers.defaults</c>' reasoning keys: the effort used when a modelRef turns reasoning on without naming one,
/// and the reasoning families models refer to (built-ins plus configured ones; a configured name replaces a built-in).
/// </summary>
public sealed record ReasoningSettings(string DefaultEffort, IReadOnlyDictionary<string, ReasoningFamilyConfig> Families)
{
    public const string DefaultEffortLevel = "medium";

    /// <summary>The efforts a modelRef or the default may name (what OpenAI, gpt-oss and vLLM all accept).</summary>
    public static readonly string[] EffortLevels = ["low", "medium", "high"];

    /// <summary>Families every config knows without declaring them.</summary>
    public static IReadOnlyDictionary<string, ReasoningFamilyConfig> BuiltInFamilies { get; } = new Dictionary<string, ReasoningFamilyConfig>(StringComparer.Ordinal)
    {
        ["qwen3"] = new(ReasoningFamilyType.ChatTemplateKwargs, "enable_thinking"),
        ["deepseek"] = new(ReasoningFamilyType.ChatTemplateKwargs, "thinking"),
        ["gpt-oss"] = new(ReasoningFamilyType.ReasoningEffort, "reasoning_effort"),
        ["openai"] = new(ReasoningFamilyType.ReasoningEffort, "reasoning_effort"),
    };

    public static ReasoningSettings Default { get; } = new(DefaultEffortLevel, BuiltInFamilies);
}
