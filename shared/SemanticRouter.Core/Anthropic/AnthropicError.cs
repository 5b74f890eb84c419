using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// Errors in Anthropic's shape, <c>{"type":"error","error":{"type","message"},"request_id"}</c>, and the two-way
/// mapping with the router's OpenAI-shaped errors: a client of <c>/v1/messages</c> sees Anthropic errors, and a client
/// of the chat door whose request went to an Anthropic backend sees that backend's errors in the OpenAI shape.
/// </summary>
public static class AnthropicError
{
    /// <summary>The error type Anthropic uses for each status (docs: "HTTP errors"); other 4xx are invalid requests.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static byte[] Body(string type, string message, string? requestId = null)
    {
        using var buffer = new MemoryStream(96 + message.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, type, message, requestId);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter w, string type, string message, string? requestId)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
        if (requestId is not null)
        {
            w.WriteString("request_id", requestId);
        }

        w.WriteEndObject();
    }

    /// <summary>The router's error (OpenAI shape) as an Anthropic error body: the message is kept, the type follows the status.</summary>
    public static byte[] FromOpenAIBody(int status, ReadOnlySpan<byte> openAiBody, string? requestId) =>
        Body(TypeFor(status), MessageOf(openAiBody) ?? $"The request failed with status {status}.", requestId);

    /// <summary>An Anthropic backend's error body in the OpenAI shape the chat door promises (its message and type kept).</summary>
    public static byte[] ToOpenAIBody(int status, ReadOnlySpan<byte> anthropicBody)
    {
        string? type = null;
        string? message = null;
        try
        {
            if (JsonNode.Parse(anthropicBody) is JsonObject o && o["error"] is JsonObject e)
            {
                type = e["type"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : null;
                message = e["message"] is JsonValue m && m.TryGetValue<string>(out var ms) ? ms : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: reported by status below.
        }

        return OpenAIError.Body(message ?? $"The Anthropic backend answered {status}.", type ?? TypeFor(status), status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary><c>error.message</c> of an OpenAI-shaped body, or null when it has none.</summary>
    public static string? MessageOf(ReadOnlySpan<byte> openAiBody)
    {
        try
        {
            return JsonNode.Parse(openAiBody) is JsonObject o && o["error"] is JsonObject e && e["message"] is JsonValue m && m.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
