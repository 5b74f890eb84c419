using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// A Chat Completions answer as an Anthropic <c>message</c>: text and tool calls become content blocks,
/// <c>finish_reason</c> becomes <c>stop_reason</c>, and usage is reported as input/output tokens.
/// </summary>
public static class MessagesResponse
{
    /// <summary>The <c>message</c> object for a <c>chat.completion</c> body; null when the body is not one.</summary>
    public static JsonObject? FromChatCompletion(ReadOnlySpan<byte> chatJson)
    {
        JsonObject? chat;
        try
        {
            chat = JsonNode.Parse(chatJson) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (chat is null)
        {
            return null;
        }

        var choice = chat["choices"] is JsonArray { Count: > 0 } choices ? choices[0] as JsonObject : null;
        var message = choice?["message"] as JsonObject;
        var content = new JsonArray();
        var text = Core.OpenAI.ChatRequest.ContentText(message?["content"]);
        if (text.Length > 0)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        if (message?["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                if (call?["function"] is JsonObject f)
                {
                    content.Add(new JsonObject
                    {
                        ["type"] = "tool_use",
                        ["id"] = String(call["id"]) ?? "toolu_" + Guid.NewGuid().ToString("N"),
                        ["name"] = String(f["name"]) ?? string.Empty,
                        ["input"] = ToolInput(String(f["arguments"])),
                    });
                }
            }
        }

        var usage = chat["usage"] as JsonObject;
        return new JsonObject
        {
            ["id"] = MessageId(String(chat["id"])),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = String(chat["model"]) ?? string.Empty,
            ["content"] = content,
            ["stop_reason"] = StopReasons.FromFinishReason(String(choice?["finish_reason"])),
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = Count(usage?["prompt_tokens"]),
                ["output_tokens"] = Count(usage?["completion_tokens"]),
            },
        };
    }

    /// <summary>Anthropic ids start with <c>msg_</c>; the backend's id is kept after it so logs can be matched.</summary>
    public static string MessageId(string? chatId) =>
        string.IsNullOrEmpty(chatId) ? "msg_" + Guid.NewGuid().ToString("N") : chatId.StartsWith("msg_", StringComparison.Ordinal) ? chatId : "msg_" + chatId;

    /// <summary>Tool arguments as the object Anthropic promises; arguments that are not a JSON object are kept as a string field.</summary>
    public static JsonObject ToolInput(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return [];
        }

        try
        {
            if (JsonNode.Parse(arguments) is JsonObject o)
            {
                return o;
            }
        }
        catch (JsonException)
        {
            // A model that produced broken JSON: hand it over rather than lose it.
        }

        return new JsonObject { ["arguments"] = arguments };
    }

    public static long Count(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    public static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
