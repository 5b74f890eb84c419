using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// A routed Chat Completions request as the Anthropic Messages request an <c>api_format: anthropic</c> model is sent:
/// system turns become <c>system</c>, tool calls and tool results become <c>tool_use</c> / <c>tool_result</c>
/// blocks, consecutive turns of one role are merged (Anthropic requires alternation), and only fields Anthropic
/// knows are sent. A request that cannot be expressed (audio parts, n &gt; 1…) is a 400 naming what is missing.
/// </summary>
public static class AnthropicBackendRequest
{
    /// <summary>Anthropic requires <c>max_tokens</c>; chat requests often leave it out. This is used then.</summary>
    public const int DefaultMaxTokens = 4096;

    public static byte[] FromChat(ReadOnlySpan<byte> chatBody)
    {
        var chat = (JsonObject)JsonNode.Parse(chatBody)!;
        var request = new JsonObject { ["model"] = chat["model"]?.DeepClone() };
        var system = new StringBuilder();
        var messages = new JsonArray();
        foreach (var node in chat["messages"] as JsonArray ?? [])
        {
            if (node is not JsonObject m)
            {
                continue;
            }

            var role = MessagesResponse.String(m["role"]);
            switch (role)
            {
                case "system" or "developer":
                    if (system.Length > 0)
                    {
                        system.Append("\n\n");
                    }

                    system.Append(ChatRequest.ContentText(m["content"]));
                    break;
                case "user":
                    Append(messages, "user", UserBlocks(m["content"]));
                    break;
                case "assistant":
                    Append(messages, "assistant", AssistantBlocks(m));
                    break;
                case "tool":
                    Append(messages, "user", [new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = MessagesResponse.String(m["tool_call_id"]) ?? string.Empty,
                        ["content"] = ChatRequest.ContentText(m["content"]),
                    }]);
                    break;
                default:
                    throw Unsupported($"messages with role \"{role}\"");
            }
        }

        if (system.Length > 0)
        {
            request["system"] = system.ToString();
        }

        request["messages"] = messages;
        request["max_tokens"] = Number(chat["max_completion_tokens"]) ?? Number(chat["max_tokens"]) ?? DefaultMaxTokens;
        CopyNumber(chat, request, "temperature");
        CopyNumber(chat, request, "top_p");
        CopyNumber(chat, request, "top_k");
        switch (chat["stop"])
        {
            case JsonValue v when v.TryGetValue<string>(out var one):
                request["stop_sequences"] = new JsonArray(one);
                break;
            case JsonArray many:
                request["stop_sequences"] = many.DeepClone();
                break;
        }

        if (chat["stream"] is JsonValue s && s.GetValueKind() == JsonValueKind.True)
        {
            request["stream"] = true;
        }

        if (chat["n"] is JsonValue n && n.TryGetValue<int>(out var count) && count > 1)
        {
            throw Unsupported("n > 1");
        }

        if (chat["tools"] is JsonArray tools)
        {
            request["tools"] = Tools(tools);
        }

        ToolChoice(chat, request);
        if (MessagesResponse.String(chat["user"]) is { } user)
        {
            request["metadata"] = new JsonObject { ["user_id"] = user };
        }

        return JsonSerializer.SerializeToUtf8Bytes(request, CoreJsonContext.Default.JsonObject);
    }

    private static RouterException Unsupported(string what) =>
        RouterException.BadRequest($"The selected model speaks the Anthropic Messages API, which this router cannot send {what} to (see docs/api.md).", code: "unsupported_for_anthropic_model");

    /// <summary>Adds blocks as a turn, merged into the previous turn when it has the same role.</summary>
    private static void Append(JsonArray messages, string role, List<JsonObject> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        if (messages.Count > 0 && messages[^1] is JsonObject last && MessagesResponse.String(last["role"]) == role)
        {
            var content = (JsonArray)last["content"]!;
            foreach (var b in blocks)
            {
                content.Add(b);
            }

            return;
        }

        messages.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray([.. blocks]) });
    }

    private static List<JsonObject> UserBlocks(JsonNode? content)
    {
        if (content is JsonValue v && v.TryGetValue<string>(out var text))
        {
            return [Text(text)];
        }

        var blocks = new List<JsonObject>();
        foreach (var part in content as JsonArray ?? [])
        {
            var type = MessagesResponse.String(part?["type"]);
            switch (type)
            {
                case "text":
                    blocks.Add(Text(MessagesResponse.String(part!["text"]) ?? string.Empty));
                    break;
                case "image_url":
                    blocks.Add(Image(MessagesResponse.String(part!["image_url"]?["url"]) ?? string.Empty));
                    break;
                default:
                    throw Unsupported($"content parts of type \"{type}\"");
            }
        }

        return blocks;
    }

    private static List<JsonObject> AssistantBlocks(JsonObject m)
    {
        var blocks = new List<JsonObject>();
        var text = ChatRequest.ContentText(m["content"]);
        if (text.Length > 0)
        {
            blocks.Add(Text(text));
        }

        foreach (var call in m["tool_calls"] as JsonArray ?? [])
        {
            var function = call?["function"] as JsonObject;
            blocks.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = MessagesResponse.String(call?["id"]) ?? string.Empty,
                ["name"] = MessagesResponse.String(function?["name"]) ?? string.Empty,
                ["input"] = MessagesResponse.ToolInput(MessagesResponse.String(function?["arguments"])),
            });
        }

        return blocks;
    }

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    /// <summary>A chat image part: a <c>data:</c> URL becomes a base64 source, any other URL a url source.</summary>
    private static JsonObject Image(string url)
    {
        JsonObject source;
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && url.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase) is var comma and > 5)
        {
            source = new JsonObject { ["type"] = "base64", ["media_type"] = url[5..comma], ["data"] = url[(comma + ";base64,".Length)..] };
        }
        else
        {
            source = new JsonObject { ["type"] = "url", ["url"] = url };
        }

        return new JsonObject { ["type"] = "image", ["source"] = source };
    }

    private static JsonArray Tools(JsonArray tools)
    {
        var result = new JsonArray();
        foreach (var tool in tools)
        {
            if (MessagesResponse.String(tool?["type"]) != "function" || tool!["function"] is not JsonObject f)
            {
                throw Unsupported("tools other than functions");
            }

            var t = new JsonObject { ["name"] = f["name"]?.DeepClone() };
            if (f["description"] is { } description)
            {
                t["description"] = description.DeepClone();
            }

            t["input_schema"] = f["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object" };
            result.Add(t);
        }

        return result;
    }

    private static void ToolChoice(JsonObject chat, JsonObject request)
    {
        JsonObject? choice = chat["tool_choice"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s switch
            {
                "none" => new JsonObject { ["type"] = "none" },
                "required" => new JsonObject { ["type"] = "any" },
                _ => new JsonObject { ["type"] = "auto" },
            },
            JsonObject o when MessagesResponse.String(o["function"]?["name"]) is { } name => new JsonObject { ["type"] = "tool", ["name"] = name },
            _ => null,
        };
        if (chat["parallel_tool_calls"] is JsonValue p && p.GetValueKind() == JsonValueKind.False && request["tools"] is not null)
        {
            choice ??= new JsonObject { ["type"] = "auto" };
            if (MessagesResponse.String(choice["type"]) != "none")
            {
                choice["disable_parallel_tool_use"] = true;
            }
        }

        if (choice is not null && request["tools"] is not null)
        {
            request["tool_choice"] = choice;
        }
    }

    private static int? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) && d >= 1 && d <= int.MaxValue ? (int)d : null;

    private static void CopyNumber(JsonObject from, JsonObject to, string name)
    {
        if (from[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            to[name] = v.DeepClone();
        }
    }
}
