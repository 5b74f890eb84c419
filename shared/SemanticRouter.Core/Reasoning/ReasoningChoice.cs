using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Reasoning;

/// <summary>What the router did about reasoning for one model it sent (or would send) a request to.</summary>
public enum ReasoningOutcome
{
    /// <summary>Not a routed request, or the modelRef has no <c>use_reasoning</c>: the body is left as the client sent it.</summary>
    NotSet,

    /// <summary>The decision chose on or off, but the model has no <c>reasoning_family</c>, so nothing could be written.</summary>
    NoFamily,

    /// <summary>The client sent its own value for the family's field and the modelRef does not override it.</summary>
    ClientKept,

    /// <summary>The family's field was written with the decision's choice.</summary>
    Applied,
}

/// <summary>
/// The reasoning choice for one model: the decision's on/off and effort, and how (or why not) it reached the
/// upstream body. <see cref="Effort"/> is the value written, null when the family type carries no effort.
/// </summary>
public sealed record ReasoningChoice(string Model, ReasoningOutcome Outcome, bool? Enabled, string? Effort, string? FamilyName, ReasoningFamilyConfig? Family)
{
    /// <summary>The <c>x-vsr-selected-reasoning</c> value, or null when the router wrote nothing.</summary>
    public string? Header => Outcome == ReasoningOutcome.Applied ? (Enabled == true ? "on" : "off") : null;

    /// <summary>The <c>reasoning</c> label of <c>llm_reasoning_decisions_total</c>: on, off, client, no_family or not_set.</summary>
    public string MetricLabel => Outcome switch
    {
        ReasoningOutcome.Applied => Enabled == true ? "on" : "off",
        ReasoningOutcome.ClientKept => "client",
        ReasoningOutcome.NoFamily => "no_family",
        _ => "not_set",
    };

    /// <summary>One sentence for explain: what was written, or why nothing was.</summary>
    public string Explanation => Outcome switch
    {
        ReasoningOutcome.NotSet => "the decision does not set use_reasoning; the request is sent as the client wrote it",
        ReasoningOutcome.NoFamily => $"model {Model} has no reasoning_family; nothing is added to the request",
        ReasoningOutcome.ClientKept => $"the client set {FieldPath} itself and the modelRef does not set override_client_reasoning; the client's value is kept",
        _ => $"{FieldPath} = {WrittenValue}",
    };

    /// <summary>Where the family writes its switch, e.g. <c>chat_template_kwargs.enable_thinking</c>.</summary>
    public string? FieldPath => Family is null ? null : Family.Type == ReasoningFamilyType.ChatTemplateKwargs ? "chat_template_kwargs." + Family.Parameter : Family.Parameter;

    private string WrittenValue => Family?.Type == ReasoningFamilyType.ChatTemplateKwargs ? (Enabled == true ? "true" : "false") : $"\"{Effort}\"";
}
