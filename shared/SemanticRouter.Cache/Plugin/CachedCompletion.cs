using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// The single-choice assistant answer the cache stores, as a <c>chat.completion</c> body: content,
/// <c>reasoning_content</c>, tool calls, finish reason and usage. Non-streaming answers are checked
/// and stored as received; streamed answers are assembled into this shape.
/// </summary>
internal sealed record CachedCompletion(
    string Id,
    string Model,
    long Created,
    string? Content,
    string? Reasoning,
    JsonArray? ToolCalls,
    string FinishReason,
    JsonObject? Usage,
    string? SystemFingerprint)
{
    /// <summary>Finish reasons of a complete answer; <c>content_filter</c> and missing ones are not cached.</summary>
    public static bool IsCacheableFinish(string? reason) => reason is "stop" or "length" or "tool_calls" or "function_call";

    /// <summary>Parses a stored or upstream body; null when it is not a single-choice, finished chat completion.</summary>
    public static CachedCompletion? TryParse(ReadOnlySpan<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is not JsonObject o || o["choices"] is not JsonArray { Count: 1 } choices || choices[0] is not JsonObject choice)
        {
            return null;
        }

        var finish = Str(choice["finish_reason"]);
        if (!IsCacheableFinish(finish) || choice["message"] is not JsonObject message)
        {
            return null;
        }

        return new CachedCompletion(
            Str(o["id"]) ?? "chatcmpl-cache",
            Str(o["model"]) ?? string.Empty,
            o["created"] is JsonValue c && c.TryGetValue<long>(out var created) ? created : 0,
            Str(message["content"]),
            Str(message["reasoning_content"]) ?? Str(message["reasoning"]),
            message["tool_calls"] is JsonArray { Count: > 0 } tools ? (JsonArray)tools.DeepClone() : null,
            finish!,
            o["usage"] is JsonObject usage ? (JsonObject)usage.DeepClone() : null,
            Str(o["system_fingerprint"]));
    }

    public byte[] ToCompletionJson()
    {
        using var buffer = new MemoryStream(256 + (Content?.Length ?? 0) + (Reasoning?.Length ?? 0));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", Created);
            w.WriteString("model", Model);
            if (SystemFingerprint is not null)
            {
                w.WriteString("system_fingerprint", SystemFingerprint);
            }

            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (Content is null)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", Content);
            }

            if (Reasoning is not null)
            {
                w.WriteString("reasoning_content", Reasoning);
            }

            if (ToolCalls is not null)
            {
                w.WritePropertyName("tool_calls");
                ToolCalls.WriteTo(w);
            }

            w.WriteEndObject();
            w.WriteString("finish_reason", FinishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            if (Usage is not null)
            {
                w.WritePropertyName("usage");
                Usage.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
