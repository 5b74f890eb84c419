namespace SemanticRouter.Core.Config;

/// <summary>How the winning decision is chosen among matches.</summary>
public enum RoutingStrategy
{
    /// <summary>Highest priority, then confidence, then name.</summary>
    Priority,

    /// <summary>Highest confidence, then priority, then name.</summary>
    Confidence,
}

/// <summary>`routing`: signals (bound by their kinds) and decisions.</summary>
public sealed record RoutingConfig(
    RoutingStrategy Strategy,
    IReadOnlyDictionary<string, IReadOnlyList<SignalRuleConfig>> Signals,
    IReadOnlyList<DecisionConfig> Decisions);

/// <summary>One named signal rule, e.g. a keyword set; the kind owns its typed settings.</summary>
public abstract record SignalRuleConfig(string Name)
{
    /// <summary>
    /// <c>composer</c> (kinds with <see cref="Signals.ISignalKind.SupportsComposer"/>): a rule tree over other signals
    /// that must match for this rule's leaves to match; evaluated after every other signal. Bound by the loader.
    /// </summary>
    public RuleNodeConfig? Composer { get; init; }

    /// <summary>
    /// <c>model_scores</c> (kinds with <see cref="Signals.ISignalKind.SupportsModelScores"/>): how well each model
    /// answers prompts this rule matches, read by the <c>cost_quality</c> selector. Bound and checked by the loader.
    /// </summary>
    public IReadOnlyList<ModelScoreConfig> ModelScores { get; init; } = [];
}

/// <summary><c>model_scores[]</c>: a model's expected quality (0–1, e.g. accuracy) on one signal's prompts.</summary>
public sealed record ModelScoreConfig(string Model, double Score);

/// <summary>`routing.decisions[]`.</summary>
public sealed record DecisionConfig(
    string Name,
    string? Description,
    int Priority,
    RuleNodeConfig Rules,
    IReadOnlyList<ModelRefConfig> ModelRefs,
    AlgorithmConfig Algorithm,
    IReadOnlyList<PluginConfig> Plugins)
{
    /// <summary>
    /// <c>tier</c> (0 when unset): when any matched decision has a tier above 0, the lowest tier wins before the
    /// routing strategy compares priority and confidence (the anchor's tiered selection).
    /// </summary>
    public int Tier { get; init; }

    /// <summary><c>annotations</c>: free-form labels for people and tools; shown by explain, never used for routing.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>A rule tree node: either an operator over children or a leaf `{type, name}`.</summary>
public sealed record RuleNodeConfig(string? Operator, IReadOnlyList<RuleNodeConfig> Conditions, string? Type, string? Name)
{
    public bool IsLeaf => Operator is null;

    public static RuleNodeConfig CatchAll { get; } = new("AND", [], null, null);
}

/// <summary>`modelRefs[]`: a candidate model of a decision, in preference order.</summary>
public sealed record ModelRefConfig(string Model, double Weight, bool? UseReasoning, string? ReasoningEffort)
{
    /// <summary>
    /// <c>override_client_reasoning</c>: write this ref's reasoning choice even when the client sent its own value for
    /// the field the model's family uses (by default the client's value is kept).
    /// </summary>
    public bool OverrideClientReasoning { get; init; }

    /// <summary>
    /// <c>lora_name</c>: the LoRA adapter to call when this ref is chosen; sent upstream as <c>model</c> in place of
    /// the model's <c>provider_model_id</c> (vLLM serves each adapter under its own model name).
    /// </summary>
    public string? LoraName { get; init; }

    /// <summary><c>reasoning_description</c>: why this ref reasons (or not), for people; shown by explain only.</summary>
    public string? ReasoningDescription { get; init; }
}

/// <summary>`algorithm`: how a model is chosen among a decision's modelRefs; settings are bound by the algorithm.</summary>
public sealed record AlgorithmConfig(string Type, object? Settings)
{
    public static AlgorithmConfig Static { get; } = new("static", null);
}

/// <summary>`plugins[]`: a bound plugin; <see cref="Settings"/> is the plugin's own typed configuration.</summary>
public sealed record PluginConfig(string Type, bool Enabled, object Settings, string Path);
