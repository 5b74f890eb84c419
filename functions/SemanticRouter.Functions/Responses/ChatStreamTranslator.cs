using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// Turns what the routing pipeline answers in Chat Completions terms into Responses events. A stream is the
/// pipeline's own SSE writer (upstream relay, PII restore, cache replay, fast responses: all already applied), run
/// into a pipe and read back chunk by chunk, so each delta reaches the client as soon as the pipeline writes it.
/// </summary>
internal static class ChatStreamTranslator
{
    /// <summary>Translates a chat-completions SSE stream; a relay error event or a cut stream ends in <c>response.failed</c>.</summary>
    public static async Task TranslateAsync(Func<Stream, CancellationToken, Task> chatStream, ResponsesEventStream events, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var producer = ProduceAsync(chatStream, pipe.Writer, cancellationToken);
        await events.StartAsync(cancellationToken);
        var done = false;
        (string Code, string Message)? error = null;
        try
        {
            using var reader = new StreamReader(pipe.Reader.AsStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line.AsSpan(5).Trim();
                if (data.SequenceEqual("[DONE]"))
                {
                    done = true;
                    continue;
                }

                if (Parse(data) is not { } chunk)
                {
                    continue;
                }

                if (chunk["error"] is JsonObject e)
                {
                    error = (Str(e["code"]) ?? Str(e["type"]) ?? "upstream_error", Str(e["message"]) ?? "The backend failed mid-stream.");
                    continue;
                }

                await ApplyChunkAsync(chunk, events, cancellationToken);
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await producer;
        }

        if (error is { } failure)
        {
            await events.FailAsync(failure.Code, failure.Message, cancellationToken);
        }
        else if (!done && events.Answer.FinishReason is null)
        {
            await events.FailAsync("upstream_stream_incomplete", "The answer ended before it was complete.", cancellationToken);
        }
        else
        {
            await events.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>A whole <c>chat.completion</c> as the event sequence (a backend or plugin that answered JSON to a streaming request).</summary>
    public static async Task FromCompletionAsync(ChatAnswer answer, ResponsesEventStream events, CancellationToken cancellationToken)
    {
        await events.StartAsync(cancellationToken);
        events.Answer.Model = answer.Model;
        events.Answer.FinishReason = answer.FinishReason;
        events.Answer.InputTokens = answer.InputTokens;
        events.Answer.OutputTokens = answer.OutputTokens;
        events.Answer.CachedTokens = answer.CachedTokens;
        events.Answer.ReasoningTokens = answer.ReasoningTokens;
        await events.TextAsync(answer.Text.ToString(), cancellationToken);
        for (var i = 0; i < answer.ToolCalls.Count; i++)
        {
            var call = answer.ToolCalls[i];
            await events.ToolCallAsync(i, call.CallId, call.Name, call.Arguments.ToString(), cancellationToken);
        }

        await events.CompleteAsync(cancellationToken);
    }

    private static async Task ProduceAsync(Func<Stream, CancellationToken, Task> chatStream, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await using (var stream = writer.AsStream(leaveOpen: true))
            {
                await chatStream(stream, cancellationToken);
            }

            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
        }
    }

    private static async Task ApplyChunkAsync(JsonObject chunk, ResponsesEventStream events, CancellationToken cancellationToken)
    {
        events.Answer.Model ??= Str(chunk["model"]);
        events.Answer.ReadUsage(chunk["usage"]);
        if (chunk["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return;
        }

        if (choice["delta"] is JsonObject delta)
        {
            if (Str(delta["content"]) is { } text)
            {
                await events.TextAsync(text, cancellationToken);
            }

            if (delta["tool_calls"] is JsonArray calls)
            {
                for (var i = 0; i < calls.Count; i++)
                {
                    if (calls[i] is not JsonObject call)
                    {
                        continue;
                    }

                    var index = call["index"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : i;
                    var function = call["function"] as JsonObject;
                    await events.ToolCallAsync(index, Str(call["id"]), Str(function?["name"]), Str(function?["arguments"]), cancellationToken);
                }
            }
        }

        if (Str(choice["finish_reason"]) is { } finish)
        {
            events.Answer.FinishReason = finish;
        }
    }

    private static JsonObject? Parse(ReadOnlySpan<char> data)
    {
        try
        {
            return JsonNode.Parse(data.ToString()) as JsonObject;
        }
        catch (JsonException)
        {
            // Not a chunk (a comment or keep-alive a backend sent as data); nothing to translate.
            return null;
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
