using System.Text.Json;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Reasoning;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>POST /api/v1/explain</c>: routes a chat-completions body without calling any backend and shows
/// the decision, the model and every evaluated signal (to tune thresholds and rules).
/// </summary>
internal sealed class ExplainFunction(RouterPipeline pipeline) : IRouterFunction
{
    public string Name => "Explain";

    public string Route => "api/v1/explain";

    public IReadOnlyList<string> Methods => ["POST"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        RoutingContext context;
        try
        {
            context = await pipeline.ExplainAsync(request, cancellationToken);
        }
        catch (RouterException e)
        {
            return RouterPipeline.Error(e);
        }

        return JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            if (context.Decision is { } d)
            {
                w.WriteStartObject("decision");
                w.WriteString("name", d.Decision.Name);
                w.WriteNumber("confidence", Math.Round(d.Confidence, 4));
                w.WriteNumber("priority", d.Decision.Priority);
                w.WriteNumber("tier", d.Decision.Tier);
                w.WriteString("description", d.Decision.Description);
                w.WriteStartObject("annotations");
                foreach (var (key, value) in d.Decision.Annotations)
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("decision");
            }

            w.WriteString("model", context.SelectedModel?.Name);
            w.WriteStartArray("candidates");
            foreach (var c in context.Candidates)
            {
                w.WriteStringValue(c.Name);
            }

            w.WriteEndArray();

            // What each candidate is called upstream: its provider_model_id, or its modelRef's lora_name.
            w.WriteStartObject("upstream_models");
            foreach (var c in context.Candidates)
            {
                w.WriteString(c.Name, context.ModelRefFor(c.Name)?.LoraName ?? c.ProviderModelId);
            }

            w.WriteEndObject();
            if (context.SelectionDetail is { } selection)
            {
                // The selector's reasoning: for cost_quality the scores, prices and why the model won.
                w.WritePropertyName("selection");
                JsonSerializer.Serialize(w, selection, selection.GetType(), ExplainJson.Options);
            }

            WriteReasoning(w, context);
            WriteSession(w, context);
            w.WriteStartObject("signals");
            foreach (var group in context.Signals.All.GroupBy(s => s.Type))
            {
                w.WriteStartArray(group.Key);
                foreach (var s in group)
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteBoolean("matched", s.Matched);
                    w.WriteNumber("confidence", Math.Round(s.Confidence, 4));
                    if (s.Detail is not null)
                    {
                        w.WritePropertyName("detail");
                        JsonSerializer.Serialize(w, s.Detail, s.Detail.GetType(), ExplainJson.Options);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Session affinity for this request as a real turn would see it (explain reads the store, never writes): null
    /// when affinity is off or the request has no conversation key.
    /// </summary>
    private static void WriteSession(Utf8JsonWriter w, RoutingContext context)
    {
        if (context.Session is not { } session)
        {
            w.WriteNull("session");
            return;
        }

        w.WriteStartObject("session");
        w.WriteBoolean("sticky", session.Sticky);
        w.WriteString("outcome", session.Label);
        if (session.Stored?.Record is { } record)
        {
            w.WriteString("sticky_decision", record.Decision);
            w.WriteString("sticky_model", record.Model);
            w.WriteNumber("sticky_confidence", Math.Round(record.Confidence, 4));
            w.WriteString("expires_at", record.ExpiresAt);
        }

        w.WriteEndObject();
    }

    /// <summary>Per candidate, in failover order: the reasoning choice and what it writes into that model's request.</summary>
    private static void WriteReasoning(Utf8JsonWriter w, RoutingContext context)
    {
        w.WriteStartArray("reasoning");
        foreach (var c in context.Candidates)
        {
            var choice = ReasoningMode.Resolve(context, c);
            w.WriteStartObject();
            w.WriteString("model", c.Name);
            if (choice.Enabled is { } enabled)
            {
                w.WriteString("use_reasoning", enabled ? "on" : "off");
            }
            else
            {
                w.WriteNull("use_reasoning");
            }

            w.WriteString("effort", choice.Effort);
            w.WriteString("family", choice.FamilyName);
            w.WriteString("family_type", choice.Family?.TypeName);
            w.WriteString("outcome", choice.MetricLabel);
            w.WriteBoolean("applied", choice.Outcome == ReasoningOutcome.Applied);
            w.WriteString("explanation", choice.Explanation);
            w.WriteString("reasoning_description", context.ModelRefFor(c.Name)?.ReasoningDescription);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
