using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// An Anthropic backend's answers as Chat Completions, so everything after the upstream call (response plugins,
/// cache, PII restore, usage metrics, and the client's own front door) sees one shape: a <c>message</c> becomes a
/// <c>chat.completion</c>; a stream's events become <c>chat.completion.chunk</c>s ending in <c>[DONE]</c>.
/// </summary>
public sealed class AnthropicChatTranslator(bool includeUsage)
{
    private readonly Dictionary<int, int> _toolCallOfBlock = [];
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private string _id = "chatcmpl-anthropic";
    private string _model = string.Empty;
    private long _inputTokens;
    private long _outputTokens;
    private long _cachedTokens;
    private bool _done;

    /// <summary>A whole Anthropic <c>message</c> as a <c>chat.completion</c> body.</summary>
    public static byte[] Completion(ReadOnlySpan<byte> messageJson)
    {
        if (JsonNode.Parse(messageJson) is not JsonObject message)
        {
            throw new JsonException("not an object");
        }

        var text = new StringBuilder();
        var thinking = new StringBuilder();
        var calls = new JsonArray();
        foreach (var block in message["content"] as JsonArray ?? [])
        {
            switch (MessagesResponse.String(block?["type"]))
            {
                case "text":
                    text.Append(MessagesResponse.String(block!["text"]));
                    break;
                case "thinking":
                    thinking.Append(MessagesResponse.String(block!["thinking"]));
                    break;
                case "tool_use":
                    calls.Add(new JsonObject
                    {
                        ["id"] = block!["id"]?.DeepClone(),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = block["name"]?.DeepClone(), ["arguments"] = block["input"]?.ToJsonString() ?? "{}" },
                    });
                    break;
            }
        }

        var reply = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 || calls.Count == 0 ? text.ToString() : null };
        if (thinking.Length > 0)
        {
            reply["reasoning_content"] = thinking.ToString();
        }

        if (calls.Count > 0)
        {
            reply["tool_calls"] = calls;
        }

        var usage = message["usage"] as JsonObject;
        var prompt = InputTokens(usage);
        var completion = MessagesResponse.Count(usage?["output_tokens"]);
        var chat = new JsonObject
        {
            ["id"] = MessagesResponse.String(message["id"]) ?? "chatcmpl-anthropic",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = message["model"]?.DeepClone(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = reply,
                ["finish_reason"] = StopReasons.ToFinishReason(MessagesResponse.String(message["stop_reason"])),
            }),
            ["usage"] = Usage(prompt, completion, MessagesResponse.Count(usage?["cache_read_input_tokens"])),
        };
        return Encoding.UTF8.GetBytes(chat.ToJsonString());
    }

    /// <summary>Translates one Anthropic stream event into chat SSE lines appended to <paramref name="output"/>.</summary>
    public void OnEvent(SseEvent e, StringBuilder output)
    {
        if (_done)
        {
            return;
        }

        JsonObject? payload;
        try
        {
            payload = JsonNode.Parse(e.Data) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }

        if (payload is null)
        {
            return;
        }

        switch (e.Name ?? MessagesResponse.String(payload["type"]))
        {
            case "message_start":
                var message = payload["message"] as JsonObject;
                _id = MessagesResponse.String(message?["id"]) ?? _id;
                _model = MessagesResponse.String(message?["model"]) ?? _model;
                _inputTokens = InputTokens(message?["usage"] as JsonObject);
                _cachedTokens = MessagesResponse.Count(message?["usage"]?["cache_read_input_tokens"]);
                _outputTokens = MessagesResponse.Count(message?["usage"]?["output_tokens"]);
                Chunk(output, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null);
                break;
            case "content_block_start":
                var block = payload["content_block"] as JsonObject;
                var index = (int)MessagesResponse.Count(payload["index"]);
                if (MessagesResponse.String(block?["type"]) == "tool_use")
                {
                    var call = _toolCallOfBlock.Count;
                    _toolCallOfBlock[index] = call;
                    Chunk(output, ToolCall(call, new JsonObject { ["name"] = block!["name"]?.DeepClone(), ["arguments"] = string.Empty }, block["id"]?.DeepClone()), null);
                }
                else if (MessagesResponse.String(block?["text"]) is { Length: > 0 } initial)
                {
                    Chunk(output, new JsonObject { ["content"] = initial }, null);
                }

                break;
            case "content_block_delta":
                var delta = payload["delta"] as JsonObject;
                switch (MessagesResponse.String(delta?["type"]))
                {
                    case "text_delta":
                        Chunk(output, new JsonObject { ["content"] = delta!["text"]?.DeepClone() }, null);
                        break;
                    case "thinking_delta":
                        Chunk(output, new JsonObject { ["reasoning_content"] = delta!["thinking"]?.DeepClone() }, null);
                        break;
                    case "input_json_delta" when _toolCallOfBlock.TryGetValue((int)MessagesResponse.Count(payload["index"]), out var toolCall):
                        Chunk(output, ToolCall(toolCall, new JsonObject { ["arguments"] = delta!["partial_json"]?.DeepClone() }, null), null);
                        break;
                }

                break;
            case "message_delta":
                if (payload["usage"] is JsonObject usage)
                {
                    // message_delta's counts are cumulative; newer APIs repeat input tokens there too.
                    _outputTokens = MessagesResponse.Count(usage["output_tokens"]);
                    if (usage.ContainsKey("input_tokens"))
                    {
                        _inputTokens = InputTokens(usage);
                        _cachedTokens = MessagesResponse.Count(usage["cache_read_input_tokens"]);
                    }
                }

                if (MessagesResponse.String(payload["delta"]?["stop_reason"]) is { } stop)
                {
                    Chunk(output, [], StopReasons.ToFinishReason(stop));
                }

                break;
            case "message_stop":
                if (includeUsage)
                {
                    var data = new JsonObject
                    {
                        ["id"] = _id,
                        ["object"] = "chat.completion.chunk",
                        ["created"] = _created,
                        ["model"] = _model,
                        ["choices"] = new JsonArray(),
                        ["usage"] = Usage(_inputTokens, _outputTokens, _cachedTokens),
                    };
                    output.Append("data: ").Append(data.ToJsonString()).Append("\n\n");
                }

                output.Append("data: [DONE]\n\n");
                _done = true;
                break;
            case "error":
                var error = payload["error"] as JsonObject;
                var body = Core.OpenAI.OpenAIError.Body(MessagesResponse.String(error?["message"]) ?? "The backend failed mid-stream.", MessagesResponse.String(error?["type"]) ?? "upstream_error", "upstream_stream_failed");
                output.Append("data: ").Append(Encoding.UTF8.GetString(body)).Append("\n\n");
                _done = true;
                break;
        }
    }

    /// <summary>
    /// A chat <c>usage</c>: prompt tokens include cache reads and writes (Anthropic counts them apart); cache reads are
    /// also reported as <c>prompt_tokens_details.cached_tokens</c>, which <c>pricing.cached_input_per_1m</c> prices.
    /// </summary>
    private static JsonObject Usage(long prompt, long completion, long cached)
    {
        var usage = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
        if (cached > 0)
        {
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        }

        return usage;
    }

    private static long InputTokens(JsonObject? usage) =>
        MessagesResponse.Count(usage?["input_tokens"]) + MessagesResponse.Count(usage?["cache_read_input_tokens"]) + MessagesResponse.Count(usage?["cache_creation_input_tokens"]);

    private static JsonObject ToolCall(int index, JsonObject function, JsonNode? id)
    {
        var call = new JsonObject { ["index"] = index };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        call["function"] = function;
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private void Chunk(StringBuilder output, JsonObject delta, string? finishReason)
    {
        var chunk = new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion.chunk",
            ["created"] = _created,
            ["model"] = _model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };
        output.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
    }
}
