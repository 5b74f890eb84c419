using System.Text;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// Writes the Responses API's streaming event sequence as SSE (<c>event:</c> and <c>data:</c> lines, no
/// <c>[DONE]</c>): <c>response.created</c>, <c>response.in_progress</c>, then per output item
/// <c>response.output_item.added</c> … <c>response.output_item.done</c> (text through <c>content_part</c> and
/// <c>output_text</c> events, function calls through <c>function_call_arguments</c> events), and one terminal event:
/// <c>response.completed</c>, <c>response.incomplete</c> or <c>response.failed</c>. Never chat-completion chunks
/// (the anchor's bug #2446). Items are opened as the answer produces them and closed before the next one opens, so
/// output indexes follow the order the client saw.
/// </summary>
internal sealed class ResponsesEventStream(Stream client, ResponseObject response)
{
    private readonly List<JsonObject> _output = [];
    private readonly Dictionary<int, ChatToolCall> _callsByIndex = [];
    private int _sequence;
    private OpenMessage? _message;
    private ChatToolCall? _call;

    /// <summary>Everything the answer said so far (text, calls, usage, finish reason).</summary>
    public ChatAnswer Answer { get; } = new();

    /// <summary>The terminal response object, once written.</summary>
    public JsonObject? Final { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WriteAsync("response.created", new JsonObject { ["response"] = response.InProgress() }, cancellationToken);
        await WriteAsync("response.in_progress", new JsonObject { ["response"] = response.InProgress() }, cancellationToken);
    }

    public async Task TextAsync(string delta, CancellationToken cancellationToken)
    {
        if (delta.Length == 0)
        {
            return;
        }

        Answer.Text.Append(delta);
        if (_message is null)
        {
            await CloseCallAsync(cancellationToken);
            await OpenMessageAsync(cancellationToken);
        }

        _message!.Text.Append(delta);
        await WriteAsync("response.output_text.delta", Part(_message, new JsonObject { ["delta"] = delta, ["logprobs"] = new JsonArray() }), cancellationToken);
    }

    /// <summary>One chat-completions tool-call delta: the first for an index carries its id and name, later ones argument fragments.</summary>
    public async Task ToolCallAsync(int index, string? callId, string? name, string? arguments, CancellationToken cancellationToken)
    {
        if (!_callsByIndex.TryGetValue(index, out var call))
        {
            await CloseMessageAsync(cancellationToken);
            await CloseCallAsync(cancellationToken);
            call = new ChatToolCall(callId ?? string.Empty, name ?? string.Empty) { OutputIndex = _output.Count };
            _callsByIndex[index] = call;
            Answer.ToolCalls.Add(call);
            _call = call;
            _output.Add(null!);
            await WriteAsync("response.output_item.added", new JsonObject { ["output_index"] = call.OutputIndex, ["item"] = ResponseObject.FunctionCallItem(call, "in_progress") }, cancellationToken);
        }
        else
        {
            // Some backends send the name or id again (or only) in a later fragment.
            call.CallId = call.CallId.Length == 0 ? callId ?? string.Empty : call.CallId;
            call.Name = call.Name.Length == 0 ? name ?? string.Empty : call.Name;
        }

        if (!string.IsNullOrEmpty(arguments))
        {
            call.Arguments.Append(arguments);
            await WriteAsync("response.function_call_arguments.delta", new JsonObject { ["item_id"] = call.ItemId, ["output_index"] = call.OutputIndex, ["delta"] = arguments }, cancellationToken);
        }
    }

    /// <summary>Closes the open item and writes <c>response.completed</c> (or <c>response.incomplete</c> at a token limit or filter).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_output.Count == 0)
        {
            // An empty answer is still one (empty) message, as the non-streaming response has.
            await OpenMessageAsync(cancellationToken);
        }

        await CloseMessageAsync(cancellationToken);
        await CloseCallAsync(cancellationToken);
        Final = response.Final(Answer, Output());
        await WriteAsync(Answer.Status == "completed" ? "response.completed" : "response.incomplete", new JsonObject { ["response"] = Final.DeepClone() }, cancellationToken);
    }

    /// <summary>The answer broke off: an <c>error</c> event, then <c>response.failed</c> with what had arrived.</summary>
    public async Task FailAsync(string code, string message, CancellationToken cancellationToken)
    {
        await WriteAsync("error", new JsonObject { ["code"] = code, ["message"] = message, ["param"] = null }, cancellationToken);
        Final = response.Failed(Answer, Output(), new JsonObject { ["code"] = code, ["message"] = message });
        await WriteAsync("response.failed", new JsonObject { ["response"] = Final.DeepClone() }, cancellationToken);
    }

    private JsonArray Output()
    {
        var output = new JsonArray();
        foreach (var item in _output)
        {
            if (item is not null)
            {
                output.Add(item.DeepClone());
            }
        }

        return output;
    }

    private async Task OpenMessageAsync(CancellationToken cancellationToken)
    {
        // The first message item has the response's message id; a later one (text after a function call) gets its own.
        var id = _output.Count == 0 ? response.MessageId : ResponseIds.NewMessage();
        _message = new OpenMessage(id, _output.Count);
        _output.Add(null!);
        await WriteAsync("response.output_item.added", new JsonObject { ["output_index"] = _message.OutputIndex, ["item"] = ResponseObject.MessageItem(id, "in_progress", null) }, cancellationToken);
        await WriteAsync("response.content_part.added", Part(_message, new JsonObject { ["part"] = ResponseObject.OutputText(string.Empty) }), cancellationToken);
    }

    private async Task CloseMessageAsync(CancellationToken cancellationToken)
    {
        if (_message is not { } m)
        {
            return;
        }

        _message = null;
        var text = m.Text.ToString();
        await WriteAsync("response.output_text.done", Part(m, new JsonObject { ["text"] = text, ["logprobs"] = new JsonArray() }), cancellationToken);
        await WriteAsync("response.content_part.done", Part(m, new JsonObject { ["part"] = ResponseObject.OutputText(text) }), cancellationToken);
        var item = ResponseObject.MessageItem(m.Id, "completed", text);
        _output[m.OutputIndex] = item;
        await WriteAsync("response.output_item.done", new JsonObject { ["output_index"] = m.OutputIndex, ["item"] = item.DeepClone() }, cancellationToken);
    }

    private async Task CloseCallAsync(CancellationToken cancellationToken)
    {
        if (_call is not { } call)
        {
            return;
        }

        _call = null;
        await WriteAsync("response.function_call_arguments.done", new JsonObject { ["item_id"] = call.ItemId, ["output_index"] = call.OutputIndex, ["name"] = call.Name, ["arguments"] = call.Arguments.ToString() }, cancellationToken);
        var item = ResponseObject.FunctionCallItem(call, "completed");
        _output[call.OutputIndex] = item;
        await WriteAsync("response.output_item.done", new JsonObject { ["output_index"] = call.OutputIndex, ["item"] = item.DeepClone() }, cancellationToken);
    }

    private static JsonObject Part(OpenMessage message, JsonObject fields)
    {
        var data = new JsonObject { ["item_id"] = message.Id, ["output_index"] = message.OutputIndex, ["content_index"] = 0 };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            data[name] = value;
        }

        return data;
    }

    private async Task WriteAsync(string type, JsonObject fields, CancellationToken cancellationToken)
    {
        var data = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            data[name] = value;
        }

        var frame = "event: " + type + "\ndata: " + data.ToJsonString() + "\n\n";
        await client.WriteAsync(Encoding.UTF8.GetBytes(frame), cancellationToken);
        await client.FlushAsync(cancellationToken);
    }

    private sealed class OpenMessage(string id, int outputIndex)
    {
        public string Id { get; } = id;

        public int OutputIndex { get; } = outputIndex;

        public StringBuilder Text { get; } = new();
    }
}
