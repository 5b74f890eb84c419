using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// What a chat-completions answer said, in the terms a <c>response</c> needs: the text, the function calls, why it
/// stopped and the token counts. Filled from a whole <c>chat.completion</c> or chunk by chunk from a stream.
/// </summary>
internal sealed class ChatAnswer
{
    public StringBuilder Text { get; } = new();

    public List<ChatToolCall> ToolCalls { get; } = [];

    public string? FinishReason { get; set; }

    /// <summary>The model the answer names (the backend's model id, as chat completions report it).</summary>
    public string? Model { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CachedTokens { get; set; }

    public long ReasoningTokens { get; set; }

    /// <summary>
    /// <c>completed</c>; <c>incomplete</c> when the backend stopped at the token limit or its content filter
    /// (<see cref="IncompleteReason"/> says which).
    /// </summary>
    public string Status => IncompleteReason is null ? "completed" : "incomplete";

    public string? IncompleteReason => FinishReason switch
    {
        "length" => "max_output_tokens",
        "content_filter" => "content_filter",
        _ => null,
    };

    /// <summary>Reads a <c>chat.completion</c> body (the first choice).</summary>
    public static ChatAnswer FromCompletion(JsonObject completion)
    {
        var answer = new ChatAnswer { Model = completion["model"]?.GetValueKind() == JsonValueKind.String ? (string?)completion["model"] : null };
        answer.ReadUsage(completion["usage"]);
        if (completion["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return answer;
        }

        answer.FinishReason = Str(choice["finish_reason"]);
        if (choice["message"] is JsonObject message)
        {
            answer.Text.Append(Str(message["content"]));
            if (message["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JsonObject c && c["function"] is JsonObject f)
                    {
                        var tool = new ChatToolCall(Str(c["id"]) ?? string.Empty, Str(f["name"]) ?? string.Empty);
                        tool.Arguments.Append(Str(f["arguments"]));
                        answer.ToolCalls.Add(tool);
                    }
                }
            }
        }

        return answer;
    }

    /// <summary>Reads an OpenAI <c>usage</c> object (prompt/completion tokens and their details).</summary>
    public void ReadUsage(JsonNode? usage)
    {
        if (usage is not JsonObject u)
        {
            return;
        }

        InputTokens = Count(u["prompt_tokens"]) ?? InputTokens;
        OutputTokens = Count(u["completion_tokens"]) ?? OutputTokens;
        CachedTokens = Count(u["prompt_tokens_details"]?["cached_tokens"]) ?? CachedTokens;
        ReasoningTokens = Count(u["completion_tokens_details"]?["reasoning_tokens"]) ?? ReasoningTokens;
    }

    /// <summary>The answer as the assistant turn of the stored conversation (what a follow-up sends back upstream).</summary>
    public JsonObject ToAssistantMessage()
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = Text.Length > 0 || ToolCalls.Count == 0 ? Text.ToString() : null };
        if (ToolCalls.Count > 0)
        {
            var calls = new JsonArray();
            foreach (var call in ToolCalls)
            {
                calls.Add(new JsonObject { ["id"] = call.CallId, ["type"] = "function", ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments.ToString() } });
            }

            message["tool_calls"] = calls;
        }

        return message;
    }

    private static long? Count(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) && n >= 0 ? n : null;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}

/// <summary>One function call of an answer; the arguments arrive whole or in stream fragments.</summary>
internal sealed class ChatToolCall(string callId, string name)
{
    public string CallId { get; set; } = callId;

    public string Name { get; set; } = name;

    public StringBuilder Arguments { get; } = new();

    /// <summary>Its place in the response's <c>output</c> (streams number items as they open).</summary>
    public int OutputIndex { get; init; }

    /// <summary>The <c>fc_…</c> id of its output item.</summary>
    public string ItemId { get; } = ResponseIds.NewFunctionCall();
}
