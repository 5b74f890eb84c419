using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// Builds the Responses API's <c>response</c> object and its output items. One id and creation time per request; the
/// request's echoed fields (instructions, tools, temperature…) are the same in every event of a stream and in the
/// stored copy.
/// </summary>
internal sealed class ResponseObject(string id, long createdAt, string requestedModel, JsonObject echo)
{
    public string Id { get; } = id;

    public long CreatedAt { get; } = createdAt;

    /// <summary>The <c>msg_…</c> id of the answer's message item (one per response).</summary>
    public string MessageId { get; } = ResponseIds.NewMessage();

    /// <summary>A response in progress: no output yet (the <c>response.created</c> and <c>response.in_progress</c> events).</summary>
    public JsonObject InProgress() => Build("in_progress", requestedModel, [], null, null);

    /// <summary>The finished response (<c>completed</c> or <c>incomplete</c>) with its output items and usage.</summary>
    public JsonObject Final(ChatAnswer answer, JsonArray output) => Build(answer.Status, answer.Model ?? requestedModel, output, answer, null);

    /// <summary>A response whose answer broke off: what had arrived, and the error.</summary>
    public JsonObject Failed(ChatAnswer answer, JsonArray output, JsonObject error) => Build("failed", answer.Model ?? requestedModel, output, answer, error);

    public JsonArray Output(ChatAnswer answer, string status)
    {
        var output = new JsonArray();
        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            output.Add(MessageItem(MessageId, status, answer.Text.ToString()));
        }

        foreach (var call in answer.ToolCalls)
        {
            output.Add(FunctionCallItem(call, status));
        }

        return output;
    }

    public static JsonObject MessageItem(string id, string status, string? text) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = text is null ? new JsonArray() : new JsonArray(OutputText(text)),
    };

    public static JsonObject OutputText(string text) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
    };

    public static JsonObject FunctionCallItem(ChatToolCall call, string status) => new()
    {
        ["id"] = call.ItemId,
        ["type"] = "function_call",
        ["status"] = status,
        ["call_id"] = call.CallId,
        ["name"] = call.Name,
        ["arguments"] = call.Arguments.ToString(),
    };

    private JsonObject Build(string status, string model, JsonArray output, ChatAnswer? answer, JsonObject? error)
    {
        var response = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "response",
            ["created_at"] = CreatedAt,
            ["status"] = status,
            ["background"] = false,
            ["error"] = error,
            ["incomplete_details"] = answer?.IncompleteReason is { } reason && error is null ? new JsonObject { ["reason"] = reason } : null,
            ["instructions"] = Echoed("instructions"),
            ["max_output_tokens"] = Echoed("max_output_tokens"),
            ["metadata"] = Echoed("metadata") ?? new JsonObject(),
            ["model"] = model,
            ["output"] = output,
            ["parallel_tool_calls"] = Echoed("parallel_tool_calls") ?? true,
            ["previous_response_id"] = Echoed("previous_response_id"),
            ["reasoning"] = Echoed("reasoning") ?? new JsonObject { ["effort"] = null, ["summary"] = null },
            ["store"] = Echoed("store") ?? true,
            ["temperature"] = Echoed("temperature"),
            ["text"] = Echoed("text") ?? new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = Echoed("tool_choice") ?? "auto",
            ["tools"] = Echoed("tools") ?? new JsonArray(),
            ["top_p"] = Echoed("top_p"),
            ["truncation"] = "disabled",
            ["usage"] = answer is null || status == "in_progress" ? null : Usage(answer),
            ["user"] = Echoed("user"),
        };
        return response;
    }

    private static JsonObject Usage(ChatAnswer answer) => new()
    {
        ["input_tokens"] = answer.InputTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = answer.CachedTokens },
        ["output_tokens"] = answer.OutputTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = answer.ReasoningTokens },
        ["total_tokens"] = answer.InputTokens + answer.OutputTokens,
    };

    private JsonNode? Echoed(string name) => echo[name]?.DeepClone();
}
