using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Core.OpenAI;

/// <summary>
/// A validated Chat Completions request. The JSON body is kept as a mutable tree so plugins can
/// rewrite it (model, system prompt, redaction) while every field the router does not know is
/// forwarded untouched.
/// </summary>
public sealed class ChatRequest
{
    // Duplicate keys are refused: a backend or proxy that reads the other copy would see a different request.
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private IReadOnlyList<ChatMessageView>? _messages;

    private ChatRequest(JsonObject body, string model, bool stream)
    {
        Body = body;
        Model = model;
        Stream = stream;
    }

    public JsonObject Body { get; }

    /// <summary>The model the client asked for (before routing rewrites it).</summary>
    public string Model { get; }

    public bool Stream { get; }

    public JsonArray MessagesNode => (JsonArray)Body["messages"]!;

    /// <summary>Text views of the messages; recomputed after <see cref="MessagesChanged"/>.</summary>
    public IReadOnlyList<ChatMessageView> Messages => _messages ??= BuildViews(MessagesNode);

    /// <summary>The last user turn's text (what most signals and the cache look at).</summary>
    public string LastUserText
    {
        get
        {
            var messages = Messages;
            for (var i = messages.Count - 1; i >= 0; i--)
            {
                if (messages[i].Role == "user")
                {
                    return messages[i].Text;
                }
            }

            return string.Empty;
        }
    }

    /// <summary>Call after mutating <see cref="MessagesNode"/> so text views are rebuilt.</summary>
    public void MessagesChanged() => _messages = null;

    /// <summary>Parses and validates a request body; throws <see cref="RouterException"/> (400) on any client mistake.</summary>
    public static ChatRequest Parse(ReadOnlySpan<byte> utf8, int maxMessages)
    {
        var body = ParseObject(utf8);
        var model = RequireString(body, "model");
        if (model.Length == 0 || model.Length > 256)
        {
            throw RouterException.BadRequest("'model' must be a non-empty string of at most 256 characters.", "model");
        }

        var stream = false;
        if (body.TryGetPropertyValue("stream", out var streamNode) && streamNode is not null)
        {
            if (streamNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw RouterException.BadRequest("'stream' must be a boolean.", "stream");
            }

            stream = streamNode.GetValue<bool>();
        }

        if (!body.TryGetPropertyValue("messages", out var messagesNode) || messagesNode is not JsonArray messages)
        {
            throw RouterException.BadRequest("'messages' is required and must be an array.", "messages");
        }

        if (messages.Count == 0)
        {
            throw RouterException.BadRequest("'messages' must contain at least one message.", "messages");
        }

        if (messages.Count > maxMessages)
        {
            throw RouterException.BadRequest($"'messages' has {messages.Count} entries; the limit is {maxMessages}.", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            ValidateMessage(messages[i], i);
        }

        CheckOptionalNumber(body, "temperature");
        CheckOptionalNumber(body, "top_p");
        CheckOptionalNumber(body, "max_tokens");
        CheckOptionalNumber(body, "max_completion_tokens");
        CheckOptionalNumber(body, "n");
        CheckOptionalKind(body, "stream_options", JsonValueKind.Object);
        CheckOptionalKind(body, "tools", JsonValueKind.Array);
        CheckOptionalKind(body, "user", JsonValueKind.String);
        return new ChatRequest(body, model, stream);
    }

    /// <summary>
    /// Parses a JSON request body into a mutable object with the router's rules (valid UTF-8, no unpaired surrogate
    /// escapes, no duplicate keys, bounded depth); throws <see cref="RouterException"/> (400) otherwise. Every front
    /// door (chat completions, Responses, Anthropic Messages) reads its body through here.
    /// </summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        // The JSON reader does not check UTF-8 inside strings until they are read; check up front.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw RouterException.BadRequest("Request body is not valid UTF-8.", code: "invalid_json");
        }

        // The JSON reader accepts a "\ud800" escape without its pair; reading that string later throws. Only bodies
        // with a surrogate escape pay for the check (clients that escape all non-ASCII text send pairs for emoji).
        if (HasSurrogateEscape(utf8) && FirstUnpairedSurrogateEscape(utf8) is { } at)
        {
            throw RouterException.BadRequest($"Request body is not valid JSON: a \\u escape at byte {at} is half of a UTF-16 surrogate pair without its other half.", code: "invalid_json");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, NodeOptions, ParseOptions);
        }
        catch (JsonException e)
        {
            throw RouterException.BadRequest("Request body is not valid JSON: " + Describe(e), code: "invalid_json");
        }
        catch (InvalidOperationException)
        {
            throw RouterException.BadRequest("Request body is not valid UTF-8 JSON.", code: "invalid_json");
        }

        return root as JsonObject ?? throw RouterException.BadRequest("Request body must be a JSON object.", code: "invalid_json");
    }

    /// <summary>Extracts the text of a message content (string, or an array of parts).</summary>
    public static string ContentText(JsonNode? content)
    {
        switch (content)
        {
            case null:
                return string.Empty;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return s;
            case JsonArray parts:
                var sb = new StringBuilder();
                foreach (var part in parts)
                {
                    if (part is JsonObject o && o["text"] is JsonValue t && t.TryGetValue<string>(out var text))
                    {
                        if (sb.Length > 0)
                        {
                            sb.Append('\n');
                        }

                        sb.Append(text);
                    }
                }

                return sb.ToString();
            default:
                return string.Empty;
        }
    }

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(Body, CoreJsonContext.Default.JsonObject);

    private static void ValidateMessage(JsonNode? node, int index)
    {
        var param = $"messages[{index}]";
        if (node is not JsonObject message)
        {
            throw RouterException.BadRequest($"'{param}' must be an object.", param);
        }

        if (!message.TryGetPropertyValue("role", out var roleNode) || roleNode is null || roleNode.GetValueKind() != JsonValueKind.String)
        {
            throw RouterException.BadRequest($"'{param}.role' is required and must be a string.", param + ".role");
        }

        var role = roleNode.GetValue<string>();
        if (role is not ("system" or "developer" or "user" or "assistant" or "tool" or "function"))
        {
            throw RouterException.BadRequest($"'{param}.role' must be one of system, developer, user, assistant, tool, function.", param + ".role");
        }

        message.TryGetPropertyValue("content", out var content);
        switch (content?.GetValueKind())
        {
            case null or JsonValueKind.Null:
                if (role is "user" or "system" or "developer")
                {
                    throw RouterException.BadRequest($"'{param}.content' is required for role '{role}'.", param + ".content");
                }

                break;
            case JsonValueKind.String:
                break;
            case JsonValueKind.Array:
                foreach (var part in content.AsArray())
                {
                    if (part is not JsonObject p || p["type"]?.GetValueKind() != JsonValueKind.String)
                    {
                        throw RouterException.BadRequest($"Each part of '{param}.content' must be an object with a string 'type'.", param + ".content");
                    }

                    if (p["type"]!.GetValue<string>() == "text" && p["text"]?.GetValueKind() != JsonValueKind.String)
                    {
                        throw RouterException.BadRequest($"Text parts of '{param}.content' need a string 'text'.", param + ".content");
                    }
                }

                break;
            default:
                throw RouterException.BadRequest($"'{param}.content' must be a string or an array of content parts.", param + ".content");
        }
    }

    private static IReadOnlyList<ChatMessageView> BuildViews(JsonArray messages)
    {
        var list = new ChatMessageView[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var m = (JsonObject)messages[i]!;
            list[i] = new ChatMessageView(i, m["role"]!.GetValue<string>(), ContentText(m["content"]));
        }

        return list;
    }

    private static string RequireString(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            throw RouterException.BadRequest($"'{name}' is required.", name);
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw RouterException.BadRequest($"'{name}' must be a string.", name);
        }

        return node.GetValue<string>();
    }

    private static void CheckOptionalKind(JsonObject body, string name, JsonValueKind kind)
    {
        if (body.TryGetPropertyValue(name, out var node) && node is not null && node.GetValueKind() != kind)
        {
            throw RouterException.BadRequest($"'{name}' must be a {kind.ToString().ToLowerInvariant()}.", name);
        }
    }

    /// <summary>A number a double can hold: 1e400 is valid JSON but no backend can read it as a number.</summary>
    private static void CheckOptionalNumber(JsonObject body, string name)
    {
        CheckOptionalKind(body, name, JsonValueKind.Number);
        if (body[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && !double.IsFinite(value.GetValue<double>()))
        {
            throw RouterException.BadRequest($"'{name}' is out of range.", name);
        }
    }

    private static bool HasSurrogateEscape(ReadOnlySpan<byte> utf8)
    {
        for (var i = utf8.IndexOf("\\u"u8); i >= 0 && i + 2 < utf8.Length; i = NextEscape(utf8, i + 2))
        {
            if (utf8[i + 2] is (byte)'d' or (byte)'D')
            {
                return true;
            }
        }

        return false;

        static int NextEscape(ReadOnlySpan<byte> utf8, int from) => utf8[from..].IndexOf("\\u"u8) is var j and >= 0 ? from + j : -1;
    }

    /// <summary>The byte offset of the first string or property name whose escapes leave a surrogate unpaired, or null.</summary>
    private static long? FirstUnpairedSurrogateEscape(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = ParseOptions.MaxDepth });
        byte[]? rented = null;
        try
        {
            // Syntax errors are left to the parser, which describes them; this pass only looks at escaped strings.
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                {
                    continue;
                }

                // Unescaped text is never longer than its escaped form.
                var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (rented is null || rented.Length < length)
                {
                    if (rented is not null)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                    }

                    rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                }

                try
                {
                    reader.CopyString(rented);
                }
                catch (InvalidOperationException)
                {
                    return reader.TokenStartIndex;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return null;
    }

    private static string Describe(JsonException e) =>
        e.LineNumber is { } line ? $"error at line {line + 1}, position {e.BytePositionInLine + 1}." : "malformed document.";
}
