using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Reasoning;

/// <summary>
/// Turns a decision's <c>use_reasoning</c>/<c>reasoning_effort</c> into the selected model's own reasoning field.
/// Resolved per model, so a fallback to the next modelRef writes that model's family (and that ref's choice), not the
/// first one's. The client's body is never mutated: a model that gets reasoning fields gets them on a copy.
/// </summary>
public static class ReasoningMode
{
    /// <summary>Off for effort families that cannot stop reasoning: the least they accept.</summary>
    public const string AlwaysOnOffEffort = "low";

    /// <summary>Off for effort families that can stop reasoning.</summary>
    public const string SwitchableOffEffort = "none";

    /// <summary>The choice for <paramref name="model"/> as the routed request's candidate (null ref: not from a decision).</summary>
    public static ReasoningChoice Resolve(ReasoningSettings settings, ModelConfig model, ModelRefConfig? modelRef, JsonObject clientBody)
    {
        if (modelRef?.UseReasoning is not { } enabled)
        {
            return new ReasoningChoice(model.Name, ReasoningOutcome.NotSet, null, null, model.ReasoningFamily, null);
        }

        if (model.ReasoningFamily is not { } name || !settings.Families.TryGetValue(name, out var family))
        {
            return new ReasoningChoice(model.Name, ReasoningOutcome.NoFamily, enabled, null, null, null);
        }

        var effort = family.Type switch
        {
            ReasoningFamilyType.ChatTemplateKwargs => null,
            _ when enabled => modelRef.ReasoningEffort ?? settings.DefaultEffort,
            ReasoningFamilyType.ReasoningEffort => AlwaysOnOffEffort,
            _ => SwitchableOffEffort,
        };
        var outcome = !modelRef.OverrideClientReasoning && ClientSet(clientBody, family) ? ReasoningOutcome.ClientKept : ReasoningOutcome.Applied;
        return new ReasoningChoice(model.Name, outcome, enabled, outcome == ReasoningOutcome.Applied ? effort : null, name, family);
    }

    /// <summary>The choice for a candidate of a routed request: the first modelRef naming it, if any.</summary>
    public static ReasoningChoice Resolve(RoutingContext context, ModelConfig model) =>
        Resolve(context.Config.Providers.Reasoning, model, context.Routed ? context.ModelRefFor(model.Name) : null, context.Request.Body);

    /// <summary>
    /// The upstream body for <paramref name="model"/> (the caller has set <c>model</c>); records the choice on the
    /// context so response headers and metrics report the model that was actually sent.
    /// </summary>
    public static byte[] Serialize(RoutingContext context, ModelConfig model)
    {
        var choice = Resolve(context, model);
        context.Reasoning = choice;
        var body = context.Request.Body;
        if (choice.Outcome == ReasoningOutcome.Applied)
        {
            body = (JsonObject)body.DeepClone();
            Write(choice, body);
        }

        return JsonSerializer.SerializeToUtf8Bytes(body, CoreJsonContext.Default.JsonObject);
    }

    /// <summary>Writes an applied choice into <paramref name="body"/>; other fields (and other chat_template_kwargs) stay.</summary>
    public static void Write(ReasoningChoice choice, JsonObject body)
    {
        var family = choice.Family!;
        if (family.Type == ReasoningFamilyType.ChatTemplateKwargs)
        {
            if (body["chat_template_kwargs"] is not JsonObject kwargs)
            {
                kwargs = new JsonObject();
                body["chat_template_kwargs"] = kwargs;
            }

            kwargs[family.Parameter] = choice.Enabled == true;
            return;
        }

        body[family.Parameter] = choice.Effort;
    }

    private static bool ClientSet(JsonObject body, ReasoningFamilyConfig family) => family.Type == ReasoningFamilyType.ChatTemplateKwargs
        ? body["chat_template_kwargs"] is JsonObject kwargs && kwargs.ContainsKey(family.Parameter)
        : body.ContainsKey(family.Parameter);
}
