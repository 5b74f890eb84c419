namespace SemanticRouter.Core.Config;

/// <summary>How a reasoning family's switch is written into the upstream request body (the anchor's three types).</summary>
public enum ReasoningFamilyType
{
    /// <summary><c>chat_template_kwargs.&lt;parameter&gt;</c> set true (on) or false (off): Qwen3 <c>enable_thinking</c>, DeepSeek <c>thinking</c>.</summary>
    ChatTemplateKwargs,

    /// <summary>
    /// The OpenAI-style top-level effort field (gpt-oss, OpenAI o-series): on sends the effort; these models cannot stop
    /// reasoning, so off sends the least they accept, <c>low</c>.
    /// </summary>
    ReasoningEffort,

    /// <summary>A top-level effort field of APIs that can switch reasoning off: on sends the effort, off sends <c>none</c>.</summary>
    TopLevelReasoningEffort,
}

/// <summary><c>providers.defaults.reasoning_families.&lt;name&gt;</c>: <c>{type, parameter}</c>.</summary>
public sealed record ReasoningFamilyConfig(ReasoningFamilyType Type, string Parameter)
{
    /// <summary>The YAML spelling of <see cref="Type"/>.</summary>
    public string TypeName => Type switch
    {
        ReasoningFamilyType.ChatTemplateKwargs => "chat_template_kwargs",
        ReasoningFamilyType.ReasoningEffort => "reasoning_effort",
        _ => "top_level_reasoning_effort",
    };

    public static ReasoningFamilyType? ParseType(string name) => name switch
    {
        "chat_template_kwargs" => ReasoningFamilyType.ChatTemplateKwargs,
        "reasoning_effort" => ReasoningFamilyType.ReasoningEffort,
        "top_level_reasoning_effort" => ReasoningFamilyType.TopLevelReasoningEffort,
        _ => null,
    };
}
