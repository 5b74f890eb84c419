using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// Turns a Chat Completions stream (<c>chat.completion.chunk</c> events, then <c>[DONE]</c>) into Anthropic's event
/// sequence: <c>message_start</c>, <c>ping</c>, per content block <c>content_block_start</c> /
/// <c>content_block_delta</c> (<c>text_delta</c> or <c>input_json_delta</c>) / <c>content_block_stop</c>, then
/// <c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>. A <c>usage</c> object is only
/// remembered, on whichever chunk it comes (some backends send it on every chunk, vllm-project/semantic-router
/// #2845): the stream ends at <c>[DONE]</c> or when the backend closes it, never because usage arrived.
/// </summary>
public sealed class MessagesStreamTranslator(string requestedModel)
{
    private bool _started;
    private bool _finished;
    private int _blockIndex = -1;
    private string? _openBlock;
    private int _openToolCall = -1;
    private string? _finishReason;
    private long? _inputTokens;
    private long _outputTokens;

    /// <summary>True once <c>message_stop</c> or an error event was written: nothing follows.</summary>
    public bool Finished => _finished;

    /// <summary>Translates one chat SSE <c>data:</c> payload into Anthropic events appended to <paramref name="output"/>.</summary>
    public void OnChatData(string data, StringBuilder output)
    {
        if (_finished)
        {
            return;
        }

        if (data == "[DONE]")
        {
            Finish(output);
            return;
        }

        JsonObject? chunk;
        try
        {
            chunk = JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            return; // Not a chunk (a comment or a keep-alive some servers send): nothing to translate.
        }

        if (chunk is null)
        {
            return;
        }

        if (chunk["error"] is JsonObject error)
        {
            Error(output, MessagesResponse.String(error["message"]) ?? "The backend failed mid-stream.");
            return;
        }

        Start(output, MessagesResponse.String(chunk["model"]), MessagesResponse.String(chunk["id"]));
        if (chunk["usage"] is JsonObject usage)
        {
            _inputTokens = MessagesResponse.Count(usage["prompt_tokens"]);
            _outputTokens = MessagesResponse.Count(usage["completion_tokens"]);
        }

        if (chunk["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return;
        }

        if (choice["delta"] is JsonObject delta)
        {
            if (MessagesResponse.String(delta["content"]) is { Length: > 0 } text)
            {
                if (_openBlock != "text")
                {
                    OpenBlock(output, "text", new JsonObject { ["type"] = "text", ["text"] = string.Empty });
                }

                Event(output, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = _blockIndex, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text } });
            }

            if (delta["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    ToolCallDelta(output, call as JsonObject);
                }
            }
        }

        if (MessagesResponse.String(choice["finish_reason"]) is { } finish)
        {
            _finishReason = finish;
        }
    }

    /// <summary>
    /// The chat stream ended. A stream that reached a finish reason is closed properly even without <c>[DONE]</c>;
    /// one cut before it ends with an error event, so the client does not take a truncated answer for a whole one.
    /// </summary>
    public void OnEnd(StringBuilder output)
    {
        if (_finished)
        {
            return;
        }

        if (_finishReason is null)
        {
            Error(output, "The backend's stream ended before the answer was complete.");
            return;
        }

        Finish(output);
    }

    /// <summary>A whole <c>message</c> (a non-streaming answer, such as a cache hit or a block) as the event sequence.</summary>
    public static void FromMessage(JsonObject message, StringBuilder output)
    {
        var start = (JsonObject)message.DeepClone();
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        var usage = message["usage"] as JsonObject;
        start["usage"] = new JsonObject { ["input_tokens"] = MessagesResponse.Count(usage?["input_tokens"]), ["output_tokens"] = 0 };
        Event(output, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        var index = 0;
        foreach (var block in message["content"] as JsonArray ?? [])
        {
            if (block is not JsonObject b)
            {
                continue;
            }

            var type = MessagesResponse.String(b["type"]);
            var opening = type == "tool_use"
                ? new JsonObject { ["type"] = "tool_use", ["id"] = b["id"]?.DeepClone(), ["name"] = b["name"]?.DeepClone(), ["input"] = new JsonObject() }
                : new JsonObject { ["type"] = "text", ["text"] = string.Empty };
            Event(output, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = opening });
            var delta = type == "tool_use"
                ? new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = b["input"]?.ToJsonString() ?? "{}" }
                : new JsonObject { ["type"] = "text_delta", ["text"] = b["text"]?.DeepClone() };
            Event(output, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });
            Event(output, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
            index++;
        }

        Event(output, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = message["stop_reason"]?.DeepClone(), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = MessagesResponse.Count(usage?["output_tokens"]) },
        });
        Event(output, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    /// <summary>Writes one event: <c>event: NAME</c>, its JSON on one <c>data:</c> line, a blank line.</summary>
    public static void Event(StringBuilder output, string name, JsonObject payload) =>
        output.Append("event: ").Append(name).Append("\ndata: ").Append(payload.ToJsonString()).Append("\n\n");

    private void Start(StringBuilder output, string? model, string? id)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Event(output, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = MessagesResponse.MessageId(id),
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model ?? requestedModel,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });
        Event(output, "ping", new JsonObject { ["type"] = "ping" });
    }

    private void ToolCallDelta(StringBuilder output, JsonObject? call)
    {
        if (call is null)
        {
            return;
        }

        var index = call["index"] is JsonValue iv && iv.TryGetValue<int>(out var i) ? i : _openToolCall < 0 ? 0 : _openToolCall;
        var function = call["function"] as JsonObject;
        if (_openBlock != "tool_use" || index != _openToolCall)
        {
            _openToolCall = index;
            OpenBlock(output, "tool_use", new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = MessagesResponse.String(call["id"]) ?? "toolu_" + Guid.NewGuid().ToString("N"),
                ["name"] = MessagesResponse.String(function?["name"]) ?? string.Empty,
                ["input"] = new JsonObject(),
            });
        }

        if (MessagesResponse.String(function?["arguments"]) is { Length: > 0 } arguments)
        {
            Event(output, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = _blockIndex, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = arguments } });
        }
    }

    private void OpenBlock(StringBuilder output, string kind, JsonObject block)
    {
        CloseBlock(output);
        _blockIndex++;
        _openBlock = kind;
        Event(output, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _blockIndex, ["content_block"] = block });
    }

    private void CloseBlock(StringBuilder output)
    {
        if (_openBlock is null)
        {
            return;
        }

        Event(output, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _blockIndex });
        _openBlock = null;
    }

    private void Finish(StringBuilder output)
    {
        Start(output, null, null);
        CloseBlock(output);
        var usage = new JsonObject();
        if (_inputTokens is { } input)
        {
            usage["input_tokens"] = input;
        }

        usage["output_tokens"] = _outputTokens;
        Event(output, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReasons.FromFinishReason(_finishReason), ["stop_sequence"] = null },
            ["usage"] = usage,
        });
        Event(output, "message_stop", new JsonObject { ["type"] = "message_stop" });
        _finished = true;
    }

    private void Error(StringBuilder output, string message)
    {
        output.Append("event: error\ndata: ").Append(Encoding.UTF8.GetString(AnthropicError.Body("api_error", message))).Append("\n\n");
        _finished = true;
    }
}
