using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// An Anthropic Messages request (<c>POST /v1/messages</c>) validated and translated into the Chat Completions
/// request the routing pipeline runs on, so signals, decisions, plugins, cache and PII see one request shape.
/// What cannot be translated is refused with a 400 naming the field, never silently dropped (docs/api.md lists both).
/// </summary>
public sealed class MessagesRequest
{
    /// <summary>Tool definitions per request: far above any real agent's, low enough to bound the work.</summary>
    public const int MaxTools = 512;

    /// <summary>Anthropic's own cap is larger; chat backends accept a handful. Bounded so the list stays small.</summary>
    public const int MaxStopSequences = 16;

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "model", "messages", "system", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream",
        "tools", "tool_choice", "metadata", "thinking", "service_tier",
    };

    private MessagesRequest(JsonObject chat, string model, bool stream)
    {
        Chat = chat;
        Model = model;
        Stream = stream;
    }

    /// <summary>The equivalent Chat Completions body (streams ask for usage, so <c>message_delta</c> can report it).</summary>
    public JsonObject Chat { get; }

    public string Model { get; }

    public bool Stream { get; }

    public byte[] SerializeChat() => JsonSerializer.SerializeToUtf8Bytes(Chat, CoreJsonContext.Default.JsonObject);

    /// <summary>Validates and translates; throws <see cref="RouterException"/> (400) naming the field on any client mistake.</summary>
    public static MessagesRequest Parse(ReadOnlySpan<byte> utf8, int maxMessages)
    {
        var a = ChatRequest.ParseObject(utf8);
        foreach (var (name, _) in a)
        {
            if (!Known.Contains(name))
            {
                throw RouterException.BadRequest($"'{name}' is not supported by this router's /v1/messages (see docs/api.md).", name);
            }
        }

        var model = a["model"] is JsonValue mv && mv.TryGetValue<string>(out var m) ? m : throw RouterException.BadRequest("'model' is required and must be a string.", "model");
        if (model.Length is 0 or > 256)
        {
            throw RouterException.BadRequest("'model' must be a non-empty string of at most 256 characters.", "model");
        }

        var chat = new JsonObject { ["model"] = model };
        var messages = new JsonArray();
        if (a["system"] is { } system)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = TextOf(system, "system") });
        }

        if (a["messages"] is not JsonArray turns || turns.Count == 0)
        {
            throw RouterException.BadRequest("'messages' is required and must be a non-empty array.", "messages");
        }

        if (turns.Count > maxMessages)
        {
            throw RouterException.BadRequest($"'messages' has {turns.Count} entries; the limit is {maxMessages}.", "messages");
        }

        for (var i = 0; i < turns.Count; i++)
        {
            AddTurn(turns[i], $"messages[{i}]", messages);
        }

        if (messages.Count > maxMessages)
        {
            throw RouterException.BadRequest($"'messages' translate to {messages.Count} chat messages (tool results count one each); the limit is {maxMessages}.", "messages");
        }

        chat["messages"] = messages;
        chat["max_tokens"] = RequiredMaxTokens(a);
        CopyNumber(a, chat, "temperature", 0, 2);
        CopyNumber(a, chat, "top_p", 0, 1);
        if (a["top_k"] is { } topK && (topK.GetValueKind() != JsonValueKind.Number || !topK.AsValue().TryGetValue<int>(out var k) || k < 0))
        {
            throw RouterException.BadRequest("'top_k' must be a non-negative integer.", "top_k");
        }

        if (a["stop_sequences"] is { } stops)
        {
            chat["stop"] = StopSequences(stops);
        }

        var stream = false;
        if (a["stream"] is { } s)
        {
            stream = s.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw RouterException.BadRequest("'stream' must be a boolean.", "stream"),
            };
        }

        if (stream)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (a["tools"] is { } tools)
        {
            chat["tools"] = Tools(tools);
        }

        if (a["tool_choice"] is { } choice)
        {
            ToolChoice(choice, chat);
        }

        if (a["metadata"] is { } metadata)
        {
            if (metadata is not JsonObject md)
            {
                throw RouterException.BadRequest("'metadata' must be an object.", "metadata");
            }

            if (md["user_id"] is { } user)
            {
                chat["user"] = user is JsonValue uv && uv.TryGetValue<string>(out var u) && u.Length <= 256 ? u : throw RouterException.BadRequest("'metadata.user_id' must be a string of at most 256 characters.", "metadata.user_id");
            }
        }

        if (a["thinking"] is { } thinking && thinking is not JsonObject)
        {
            throw RouterException.BadRequest("'thinking' must be an object.", "thinking");
        }

        return new MessagesRequest(chat, model, stream);
    }

    private static int RequiredMaxTokens(JsonObject a)
    {
        if (a["max_tokens"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var n) || n < 1)
        {
            throw RouterException.BadRequest("'max_tokens' is required and must be a positive integer.", "max_tokens");
        }

        return n;
    }

    private static void CopyNumber(JsonObject from, JsonObject to, string name, double min, double max)
    {
        if (from[name] is not { } node)
        {
            return;
        }

        if (node.GetValueKind() != JsonValueKind.Number || node.GetValue<double>() is var d && (!double.IsFinite(d) || d < min || d > max))
        {
            throw RouterException.BadRequest($"'{name}' must be a number from {min} to {max}.", name);
        }

        to[name] = node.GetValue<double>();
    }

    private static JsonArray StopSequences(JsonNode stops)
    {
        if (stops is not JsonArray list || list.Count > MaxStopSequences)
        {
            throw RouterException.BadRequest($"'stop_sequences' must be an array of at most {MaxStopSequences} strings.", "stop_sequences");
        }

        var result = new JsonArray();
        foreach (var item in list)
        {
            result.Add(item is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 ? text : throw RouterException.BadRequest("'stop_sequences' must hold non-empty strings.", "stop_sequences"));
        }

        return result;
    }

    /// <summary>One Anthropic turn as chat messages: tool results become <c>tool</c> messages ahead of the user's own text.</summary>
    private static void AddTurn(JsonNode? node, string path, JsonArray into)
    {
        if (node is not JsonObject turn)
        {
            throw RouterException.BadRequest($"'{path}' must be an object.", path);
        }

        var role = turn["role"] is JsonValue rv && rv.TryGetValue<string>(out var r) ? r : null;
        if (role is not ("user" or "assistant"))
        {
            throw RouterException.BadRequest($"'{path}.role' must be \"user\" or \"assistant\".", path + ".role");
        }

        var content = turn["content"];
        if (content is JsonValue cv && cv.TryGetValue<string>(out var plain))
        {
            into.Add(new JsonObject { ["role"] = role, ["content"] = plain });
            return;
        }

        if (content is not JsonArray blocks)
        {
            throw RouterException.BadRequest($"'{path}.content' must be a string or an array of content blocks.", path + ".content");
        }

        var parts = new JsonArray();
        var toolCalls = new JsonArray();
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = $"{path}.content[{i}]";
            if (blocks[i] is not JsonObject block || block["type"] is not JsonValue tv || !tv.TryGetValue<string>(out var type))
            {
                throw RouterException.BadRequest($"'{at}' must be an object with a string 'type'.", at);
            }

            switch (type)
            {
                case "text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = RequiredString(block, "text", at) });
                    break;
                case "tool_use" when role == "assistant":
                    var input = block["input"] as JsonObject ?? throw RouterException.BadRequest($"'{at}.input' must be an object.", at + ".input");
                    toolCalls.Add(new JsonObject
                    {
                        ["id"] = RequiredString(block, "id", at),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = RequiredString(block, "name", at), ["arguments"] = input.ToJsonString() },
                    });
                    break;
                case "tool_result" when role == "user":
                    var result = block["content"] is { } rc ? TextOf(rc, at + ".content") : string.Empty;
                    if (block["is_error"] is JsonValue ev && ev.GetValueKind() == JsonValueKind.True)
                    {
                        // Chat Completions has no error flag on tool results; the model still learns the tool failed.
                        result = "Error: " + result;
                    }

                    into.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = RequiredString(block, "tool_use_id", at), ["content"] = result });
                    break;
                case "thinking" or "redacted_thinking" when role == "assistant":
                    // Earlier reasoning is the model's own scratchpad; chat backends take no such input.
                    break;
                default:
                    throw RouterException.BadRequest($"'{at}': content blocks of type \"{type}\" are not supported in {role} messages by this router (supported: text, tool_use in assistant turns, tool_result in user turns; see docs/api.md).", at);
            }
        }

        if (role == "assistant")
        {
            if (parts.Count == 0 && toolCalls.Count == 0)
            {
                return;
            }

            var message = new JsonObject { ["role"] = "assistant", ["content"] = parts.Count == 0 ? null : JoinText(parts) };
            if (toolCalls.Count > 0)
            {
                message["tool_calls"] = toolCalls;
            }

            into.Add(message);
            return;
        }

        if (parts.Count > 0)
        {
            // One text block is sent as plain content, the shape most chat backends and plugins expect.
            into.Add(new JsonObject { ["role"] = "user", ["content"] = parts.Count == 1 ? JoinText(parts) : parts });
        }
    }

    private static string JoinText(JsonArray parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts)
        {
            sb.Append(p!["text"]!.GetValue<string>());
        }

        return sb.ToString();
    }

    /// <summary>A system prompt or tool result: a string or an array of text blocks, joined.</summary>
    private static string TextOf(JsonNode node, string path)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (node is not JsonArray blocks)
        {
            throw RouterException.BadRequest($"'{path}' must be a string or an array of text blocks.", path);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (blocks[i] is not JsonObject b || b["type"] is not JsonValue tv || !tv.TryGetValue<string>(out var type) || type != "text")
            {
                throw RouterException.BadRequest($"'{at}' must be a text block (other block types are not supported here; see docs/api.md).", at);
            }

            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(RequiredString(b, "text", at));
        }

        return sb.ToString();
    }

    private static JsonArray Tools(JsonNode node)
    {
        if (node is not JsonArray tools || tools.Count > MaxTools)
        {
            throw RouterException.BadRequest($"'tools' must be an array of at most {MaxTools} tools.", "tools");
        }

        var result = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var at = $"tools[{i}]";
            if (tools[i] is not JsonObject tool)
            {
                throw RouterException.BadRequest($"'{at}' must be an object.", at);
            }

            if (tool["type"] is JsonValue tv && (!tv.TryGetValue<string>(out var type) || type != "custom"))
            {
                throw RouterException.BadRequest($"'{at}': server tools (type \"{tv.ToJsonString()}\") are not supported; only client tools with an input_schema are (see docs/api.md).", at);
            }

            var function = new JsonObject { ["name"] = RequiredString(tool, "name", at) };
            if (tool["description"] is { } description)
            {
                function["description"] = description is JsonValue dv && dv.TryGetValue<string>(out var d) ? d : throw RouterException.BadRequest($"'{at}.description' must be a string.", at + ".description");
            }

            function["parameters"] = (tool["input_schema"] as JsonObject ?? throw RouterException.BadRequest($"'{at}.input_schema' is required and must be an object.", at + ".input_schema")).DeepClone();
            result.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return result;
    }

    private static void ToolChoice(JsonNode node, JsonObject chat)
    {
        if (node is not JsonObject choice || choice["type"] is not JsonValue tv || !tv.TryGetValue<string>(out var type))
        {
            throw RouterException.BadRequest("'tool_choice' must be an object with a string 'type'.", "tool_choice");
        }

        chat["tool_choice"] = type switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = RequiredString(choice, "name", "tool_choice") } },
            _ => throw RouterException.BadRequest("'tool_choice.type' must be auto, any, tool or none.", "tool_choice.type"),
        };
        if (choice["disable_parallel_tool_use"] is JsonValue p && p.GetValueKind() == JsonValueKind.True && type != "none")
        {
            chat["parallel_tool_calls"] = false;
        }
    }

    private static string RequiredString(JsonObject o, string name, string path) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw RouterException.BadRequest($"'{path}.{name}' is required and must be a string.", path + "." + name);
}
