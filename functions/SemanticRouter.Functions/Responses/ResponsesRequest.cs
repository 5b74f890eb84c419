using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// A validated <c>POST /v1/responses</c> body, translated to the Chat Completions messages and options the routing
/// pipeline reads. Every client mistake is a 400 naming the parameter (<c>input[2].content[0].type</c>…); every list
/// is bounded. What the router cannot translate is refused by name, never silently dropped, except the fields that
/// change nothing here (listed in docs/api.md).
/// </summary>
internal sealed class ResponsesRequest
{
    /// <summary>Function tools per request (OpenAI's own limit).</summary>
    public const int MaxTools = 128;

    /// <summary>Content parts per message item.</summary>
    public const int MaxContentParts = 256;

    /// <summary>Metadata pairs, key and value lengths (OpenAI's limits).</summary>
    public const int MaxMetadataPairs = 16;

    public const int MaxMetadataKeyLength = 64;

    public const int MaxMetadataValueLength = 512;

    private static readonly string[] Known =
    [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "max_output_tokens",
        "temperature", "top_p", "stream", "store", "previous_response_id", "metadata", "user", "text",
        // Accepted and not acted on (docs/api.md says so): they change nothing a chat-completions backend could do.
        "include", "truncation", "service_tier", "safety_identifier", "prompt_cache_key", "top_logprobs", "max_tool_calls", "stream_options",
        // Refused when set (below): the router cannot honour them.
        "background", "conversation", "prompt",
    ];

    private ResponsesRequest(string model, JsonArray input, JsonObject chatOptions, JsonObject echo)
    {
        Model = model;
        InputMessages = input;
        ChatOptions = chatOptions;
        Echo = echo;
    }

    public string Model { get; }

    public bool Stream { get; private init; }

    /// <summary><c>store</c>: true unless the client says false (OpenAI's default).</summary>
    public bool Store { get; private init; } = true;

    public string? PreviousResponseId { get; private init; }

    public string? Instructions { get; private init; }

    /// <summary>The <c>input</c> as chat messages (instructions not included: they do not carry over to follow-ups).</summary>
    public JsonArray InputMessages { get; }

    /// <summary>Chat Completions fields translated from the request: tools, tool_choice, sampling, reasoning_effort…</summary>
    public JsonObject ChatOptions { get; }

    /// <summary>The request fields a <c>response</c> object reports back (instructions, tools, temperature…).</summary>
    public JsonObject Echo { get; }

    public static ResponsesRequest Parse(ReadOnlySpan<byte> utf8)
    {
        var body = ChatRequest.ParseObject(utf8);
        foreach (var (name, _) in body)
        {
            if (Array.IndexOf(Known, name) < 0)
            {
                throw Bad($"Unknown parameter: '{name}'.", name, "unknown_parameter");
            }
        }

        var model = RequiredString(body, "model");
        if (model.Length is 0 or > 256)
        {
            throw Bad("'model' must be a non-empty string of at most 256 characters.", "model");
        }

        if (OptionalBool(body, "background") == true)
        {
            throw Bad("'background' responses are not supported by this router; leave it unset or false.", "background", "unsupported_parameter");
        }

        foreach (var name in (ReadOnlySpan<string>)["conversation", "prompt"])
        {
            if (body[name] is not null)
            {
                throw Bad($"'{name}' is not supported by this router; send the input (and previous_response_id) instead.", name, "unsupported_parameter");
            }
        }

        var options = new JsonObject();
        var echo = new JsonObject();
        var instructions = OptionalString(body, "instructions");
        echo["instructions"] = instructions;

        var input = body["input"] ?? throw Bad("'input' is required: a string or a list of input items.", "input");
        var messages = input.GetValueKind() switch
        {
            JsonValueKind.String => new JsonArray(new JsonObject { ["role"] = "user", ["content"] = input.GetValue<string>() }),
            JsonValueKind.Array => TranslateItems(input.AsArray()),
            _ => throw Bad("'input' must be a string or an array of input items.", "input"),
        };

        TranslateTools(body, options, echo);
        TranslateSampling(body, options, echo);
        TranslateReasoning(body, options, echo);
        TranslateText(body, options, echo);

        if (OptionalString(body, "user") is { } user)
        {
            options["user"] = user;
            echo["user"] = user;
        }

        echo["metadata"] = Metadata(body);
        var previous = OptionalString(body, "previous_response_id");
        if (previous is not null && !ResponseIds.IsWellFormed(previous))
        {
            throw Bad("'previous_response_id' must be a response id (resp_ followed by letters, digits, '-' or '_').", "previous_response_id");
        }

        var store = OptionalBool(body, "store") ?? true;
        echo["previous_response_id"] = previous;
        echo["store"] = store;
        return new ResponsesRequest(model, messages, options, echo)
        {
            Stream = OptionalBool(body, "stream") ?? false,
            Store = store,
            PreviousResponseId = previous,
            Instructions = instructions,
        };
    }

    /// <summary>
    /// The Chat Completions body for the pipeline: instructions as the system message, then the stored conversation of
    /// <c>previous_response_id</c>, then this input; options as translated. Streams ask for usage in the last chunk.
    /// </summary>
    public JsonObject ToChatBody(JsonArray? history, int maxMessages)
    {
        var messages = new JsonArray();
        if (Instructions is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = Instructions });
        }

        var count = messages.Count + (history?.Count ?? 0) + InputMessages.Count;
        if (count > maxMessages)
        {
            throw Bad($"The conversation has {count} messages (instructions, the previous response's conversation and this input); the limit is {maxMessages} (global.router.max_messages).", "input");
        }

        foreach (var m in history ?? [])
        {
            messages.Add(m!.DeepClone());
        }

        foreach (var m in InputMessages)
        {
            messages.Add(m!.DeepClone());
        }

        if (messages.Count == 0)
        {
            throw Bad("'input' must contain at least one item.", "input");
        }

        var chat = new JsonObject { ["model"] = Model, ["messages"] = messages };
        foreach (var (name, value) in ChatOptions)
        {
            chat[name] = value?.DeepClone();
        }

        if (Stream)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return chat;
    }

    private static JsonArray TranslateItems(JsonArray items)
    {
        var messages = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            var param = $"input[{i}]";
            if (items[i] is not JsonObject item)
            {
                throw Bad($"'{param}' must be an object.", param);
            }

            var type = OptionalString(item, "type", param) ?? "message";
            switch (type)
            {
                case "message":
                    messages.Add(TranslateMessage(item, param));
                    break;
                case "function_call":
                    var call = new JsonObject
                    {
                        ["id"] = RequiredString(item, "call_id", param),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = RequiredString(item, "name", param), ["arguments"] = RequiredString(item, "arguments", param) },
                    };

                    // Consecutive calls (and the text before them) are one assistant turn in Chat Completions.
                    if (messages.Count > 0 && messages[^1] is JsonObject last && (string?)last["role"] == "assistant")
                    {
                        ((last["tool_calls"] ??= new JsonArray()) as JsonArray)!.Add(call);
                    }
                    else
                    {
                        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) });
                    }

                    break;
                case "function_call_output":
                    messages.Add(new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = RequiredString(item, "call_id", param),
                        ["content"] = OutputText(item["output"], param + ".output"),
                    });
                    break;
                case "reasoning":
                    // A client may echo reasoning items back; chat-completions backends take no reasoning input.
                    break;
                default:
                    throw Bad($"'{param}.type' \"{type}\" is not supported by this router (supported: message, function_call, function_call_output, reasoning).", param + ".type", "unsupported_item_type");
            }
        }

        return messages;
    }

    private static JsonObject TranslateMessage(JsonObject item, string param)
    {
        var role = RequiredString(item, "role", param);
        if (role is not ("user" or "assistant" or "system" or "developer"))
        {
            throw Bad($"'{param}.role' must be one of user, assistant, system, developer.", param + ".role");
        }

        var content = item["content"] ?? throw Bad($"'{param}.content' is required.", param + ".content");
        if (content.GetValueKind() == JsonValueKind.String)
        {
            return new JsonObject { ["role"] = role, ["content"] = content.GetValue<string>() };
        }

        if (content is not JsonArray parts)
        {
            throw Bad($"'{param}.content' must be a string or an array of content parts.", param + ".content");
        }

        if (parts.Count > MaxContentParts)
        {
            throw Bad($"'{param}.content' has {parts.Count} parts; the limit is {MaxContentParts}.", param + ".content");
        }

        // Assistant turns are text in Chat Completions; other roles keep their parts (text and images).
        var text = new StringBuilder();
        var chatParts = new JsonArray();
        for (var j = 0; j < parts.Count; j++)
        {
            var p = $"{param}.content[{j}]";
            if (parts[j] is not JsonObject part)
            {
                throw Bad($"'{p}' must be an object.", p);
            }

            var type = RequiredString(part, "type", p);
            switch (type)
            {
                case "input_text" or "output_text" or "refusal":
                    var value = RequiredString(part, type == "refusal" ? "refusal" : "text", p);
                    text.Append(value);
                    chatParts.Add(new JsonObject { ["type"] = "text", ["text"] = value });
                    break;
                case "input_image" when role != "assistant":
                    var url = OptionalString(part, "image_url", p) ?? throw Bad($"'{p}.image_url' is required (file_id images are not supported by this router).", p + ".image_url", "unsupported_parameter");
                    var image = new JsonObject { ["url"] = url };
                    if (OptionalString(part, "detail", p) is { } detail)
                    {
                        image["detail"] = detail;
                    }

                    chatParts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = image });
                    break;
                default:
                    throw Bad($"'{p}.type' \"{type}\" is not supported by this router for role {role} (supported: input_text, output_text, refusal, and input_image with an image_url).", p + ".type", "unsupported_content_type");
            }
        }

        return role == "assistant"
            ? new JsonObject { ["role"] = role, ["content"] = text.ToString() }
            : new JsonObject { ["role"] = role, ["content"] = chatParts };
    }

    /// <summary>A function_call_output's <c>output</c>: a string, or input_text parts joined.</summary>
    private static string OutputText(JsonNode? output, string param)
    {
        switch (output?.GetValueKind())
        {
            case JsonValueKind.String:
                return output.GetValue<string>();
            case JsonValueKind.Array when output.AsArray().Count <= MaxContentParts:
                var text = new StringBuilder();
                foreach (var part in output.AsArray())
                {
                    if (part is not JsonObject p || (string?)p["type"] is not ("input_text" or "output_text") || p["text"]?.GetValueKind() != JsonValueKind.String)
                    {
                        throw Bad($"'{param}' parts must be input_text parts with a string 'text'.", param, "unsupported_content_type");
                    }

                    text.Append(p["text"]!.GetValue<string>());
                }

                return text.ToString();
            default:
                throw Bad($"'{param}' is required: a string or at most {MaxContentParts} input_text parts.", param);
        }
    }

    private static void TranslateTools(JsonObject body, JsonObject options, JsonObject echo)
    {
        if (body["tools"] is { } toolsNode)
        {
            if (toolsNode is not JsonArray tools)
            {
                throw Bad("'tools' must be an array.", "tools");
            }

            if (tools.Count > MaxTools)
            {
                throw Bad($"'tools' has {tools.Count} entries; the limit is {MaxTools}.", "tools");
            }

            var chatTools = new JsonArray();
            for (var i = 0; i < tools.Count; i++)
            {
                var param = $"tools[{i}]";
                if (tools[i] is not JsonObject tool)
                {
                    throw Bad($"'{param}' must be an object.", param);
                }

                var type = RequiredString(tool, "type", param);
                if (type != "function")
                {
                    throw Bad($"'{param}.type' \"{type}\" is not supported by this router: only function tools are (built-in tools such as web_search run at OpenAI, not behind a chat-completions backend).", param + ".type", "unsupported_tool_type");
                }

                var function = new JsonObject { ["name"] = RequiredString(tool, "name", param) };
                if (OptionalString(tool, "description", param) is { } description)
                {
                    function["description"] = description;
                }

                if (tool["parameters"] is { } parameters)
                {
                    function["parameters"] = parameters is JsonObject ? parameters.DeepClone() : throw Bad($"'{param}.parameters' must be a JSON schema object.", param + ".parameters");
                }

                if (OptionalBool(tool, "strict", param) is { } strict)
                {
                    function["strict"] = strict;
                }

                chatTools.Add(new JsonObject { ["type"] = "function", ["function"] = function });
            }

            options["tools"] = chatTools;
            echo["tools"] = tools.DeepClone();
        }

        switch (body["tool_choice"])
        {
            case null:
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is "auto" or "none" or "required":
                options["tool_choice"] = v.GetValue<string>();
                echo["tool_choice"] = v.GetValue<string>();
                break;
            case JsonObject o when (string?)o["type"] == "function" && o["name"]?.GetValueKind() == JsonValueKind.String:
                options["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = o["name"]!.GetValue<string>() } };
                echo["tool_choice"] = o.DeepClone();
                break;
            default:
                throw Bad("'tool_choice' must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"name\": …}.", "tool_choice");
        }

        if (OptionalBool(body, "parallel_tool_calls") is { } parallel)
        {
            options["parallel_tool_calls"] = parallel;
            echo["parallel_tool_calls"] = parallel;
        }
    }

    private static void TranslateSampling(JsonObject body, JsonObject options, JsonObject echo)
    {
        if (OptionalNumber(body, "temperature", 0, 2) is { } temperature)
        {
            options["temperature"] = temperature;
            echo["temperature"] = temperature;
        }

        if (OptionalNumber(body, "top_p", 0, 1) is { } topP)
        {
            options["top_p"] = topP;
            echo["top_p"] = topP;
        }

        if (body["max_output_tokens"] is { } max)
        {
            if (max.GetValueKind() != JsonValueKind.Number || !max.AsValue().TryGetValue<int>(out var tokens) || tokens < 1)
            {
                throw Bad("'max_output_tokens' must be a positive integer.", "max_output_tokens");
            }

            options["max_completion_tokens"] = tokens;
            echo["max_output_tokens"] = tokens;
        }
    }

    private static void TranslateReasoning(JsonObject body, JsonObject options, JsonObject echo)
    {
        if (body["reasoning"] is not { } node)
        {
            return;
        }

        if (node is not JsonObject reasoning)
        {
            throw Bad("'reasoning' must be an object.", "reasoning");
        }

        if (OptionalString(reasoning, "effort", "reasoning") is { } effort)
        {
            if (effort is not ("none" or "minimal" or "low" or "medium" or "high" or "xhigh"))
            {
                throw Bad("'reasoning.effort' must be one of none, minimal, low, medium, high, xhigh.", "reasoning.effort");
            }

            // The chat-completions field the pipeline's reasoning mode reads and (per decision) may override.
            options["reasoning_effort"] = effort;
        }

        echo["reasoning"] = new JsonObject { ["effort"] = reasoning["effort"]?.DeepClone(), ["summary"] = reasoning["summary"]?.DeepClone() };
    }

    private static void TranslateText(JsonObject body, JsonObject options, JsonObject echo)
    {
        if (body["text"] is not { } node)
        {
            return;
        }

        if (node is not JsonObject text || (text["format"] is { } f && f is not JsonObject))
        {
            throw Bad("'text' must be an object with an optional 'format' object.", "text");
        }

        if (text["format"] is JsonObject format)
        {
            switch (RequiredString(format, "type", "text.format"))
            {
                case "text":
                    break;
                case "json_object":
                    options["response_format"] = new JsonObject { ["type"] = "json_object" };
                    break;
                case "json_schema":
                    var schema = new JsonObject { ["name"] = RequiredString(format, "name", "text.format") };
                    schema["schema"] = format["schema"] is JsonObject s ? s.DeepClone() : throw Bad("'text.format.schema' must be a JSON schema object.", "text.format.schema");
                    if (OptionalBool(format, "strict", "text.format") is { } strict)
                    {
                        schema["strict"] = strict;
                    }

                    options["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = schema };
                    break;
                default:
                    throw Bad("'text.format.type' must be text, json_object or json_schema.", "text.format.type");
            }
        }

        echo["text"] = text.DeepClone();
    }

    private static JsonObject Metadata(JsonObject body)
    {
        if (body["metadata"] is not { } node)
        {
            return [];
        }

        if (node is not JsonObject metadata || metadata.Count > MaxMetadataPairs)
        {
            throw Bad($"'metadata' must be an object of at most {MaxMetadataPairs} string values.", "metadata");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > MaxMetadataKeyLength || value?.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length > MaxMetadataValueLength)
            {
                throw Bad($"'metadata' keys are at most {MaxMetadataKeyLength} characters and values strings of at most {MaxMetadataValueLength}.", "metadata");
            }
        }

        return (JsonObject)metadata.DeepClone();
    }

    private static string RequiredString(JsonObject o, string name, string? parent = null) =>
        OptionalString(o, name, parent) ?? throw Bad($"'{Path(parent, name)}' is required.", Path(parent, name));

    private static string? OptionalString(JsonObject o, string name, string? parent = null) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Bad($"'{Path(parent, name)}' must be a string.", Path(parent, name)),
    };

    private static bool? OptionalBool(JsonObject o, string name, string? parent = null) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Bad($"'{Path(parent, name)}' must be a boolean.", Path(parent, name)),
    };

    private static double? OptionalNumber(JsonObject o, string name, double min, double max)
    {
        if (o[name] is not { } node)
        {
            return null;
        }

        var n = node.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : double.NaN;
        if (!double.IsFinite(n) || n < min || n > max)
        {
            throw Bad($"'{name}' must be a number from {min} to {max}.", name);
        }

        return n;
    }

    private static string Path(string? parent, string name) => parent is null ? name : parent + "." + name;

    private static RouterException Bad(string message, string param, string code = "invalid_request") => RouterException.BadRequest(message, param, code);
}
