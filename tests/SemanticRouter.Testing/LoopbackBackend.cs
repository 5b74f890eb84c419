using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Testing;

/// <summary>What a <see cref="LoopbackBackend"/> does with each chat-completions request.</summary>
public enum BackendBehavior
{
    /// <summary>Answers like an OpenAI server (JSON, or SSE when the request streams).</summary>
    Ok,

    /// <summary>Answers 500 with an error body.</summary>
    ServerError,

    /// <summary>Never answers (until the caller gives up).</summary>
    Hang,

    /// <summary>Starts an SSE stream, sends two chunks, then drops the connection.</summary>
    DropMidStream,

    /// <summary>Starts an SSE stream, sends one chunk, then goes silent.</summary>
    StallMidStream,
}

/// <summary>
/// A real OpenAI-compatible HTTP server on a loopback port, started by a test. It records every
/// request it receives, answers with text the test can choose, and can fail on purpose (500, 503 for
/// the next calls, hang, drop or stall mid-stream). The settings may change while requests run.
/// </summary>
public sealed class LoopbackBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;
    private int _failNext;

    private LoopbackBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public volatile BackendBehavior Behavior;

    /// <summary>Delay before answering (to make latency visible).</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Token counts reported in <c>usage</c> (JSON answers, and the final stream chunk when <see cref="StreamUsage"/>).</summary>
    public int PromptTokens { get; set; } = 5;

    /// <summary>Of <see cref="PromptTokens"/>, how many to report as served from a prompt cache (<c>prompt_tokens_details.cached_tokens</c>); 0 omits the details.</summary>
    public int CachedPromptTokens { get; set; }

    public int CompletionTokens { get; set; } = 3;

    /// <summary>Ends streams with a usage chunk (what OpenAI sends for <c>stream_options.include_usage</c>).</summary>
    public bool StreamUsage { get; set; }

    /// <summary>Puts a running <c>usage</c> object on every stream chunk, as some vLLM builds do (vllm-project/semantic-router #2845).</summary>
    public bool UsageOnEveryChunk { get; set; }

    /// <summary>False keeps <see cref="Requests"/> empty, so a long benchmark does not grow the heap.</summary>
    public bool RecordRequests { get; set; } = true;

    public int RequestCount => Requests.Count;

    /// <summary>Requests whose caller went away before the backend finished (the router cancelled upstream).</summary>
    public ConcurrentQueue<string> AbortedRequests { get; } = new();

    /// <summary>Requests received so far, recorded or not; each one's number is <see cref="ChatCall.Number"/>.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// The assistant text of each answer. Null (the default) answers "<c>{Name} answered {model}</c>",
    /// which streams end with a space.
    /// </summary>
    public Func<ChatCall, string>? AnswerText { get; set; }

    /// <summary>
    /// When it returns a call for a request, the answer is that one function call (<c>finish_reason: tool_calls</c>, no
    /// text) instead of text; streams send the call's name first and its arguments in two fragments.
    /// </summary>
    public Func<ChatCall, BackendToolCall?>? ToolCall { get; set; }

    /// <summary>Sent as <c>reasoning_content</c>: in the answer's message, or in the first chunk of a stream.</summary>
    public string? Reasoning { get; set; }

    /// <summary>The next this-many requests answer 503 (after <see cref="Delay"/>), whatever <see cref="Behavior"/> says.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    /// <summary>
    /// For <c>stream: true</c> under <see cref="BackendBehavior.Ok"/>: after this many content chunks the
    /// connection is cut, without a finish chunk or <c>[DONE]</c>. Negative (the default) never cuts.
    /// </summary>
    public volatile int AbortStreamAfterChunks = -1;

    /// <summary>
    /// Streams the answer in chunks of this many characters (so a value can be split across chunks);
    /// zero or less (the default) streams word-sized chunks.
    /// </summary>
    public volatile int StreamChunkCharacters;

    /// <summary>The status <c>GET /health</c> answers with (200 unless a test makes the backend look sick).</summary>
    public volatile int HealthStatus = 200;

    private int _healthChecks;

    /// <summary>How many times <c>GET /health</c> was called.</summary>
    public int HealthChecks => Volatile.Read(ref _healthChecks);

    public Uri BaseUrl => new(_app.Urls.First() + "/v1");

    public string Authority => new Uri(_app.Urls.First()).Authority;

    public static async Task<LoopbackBackend> StartAsync(string name = "backend", BackendBehavior behavior = BackendBehavior.Ok)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new LoopbackBackend(app, name) { Behavior = behavior };
        app.MapGet("/health", http =>
        {
            // A vLLM-style health endpoint on the host's root, separate from chat traffic and its counters.
            Interlocked.Increment(ref backend._healthChecks);
            http.Response.StatusCode = backend.HealthStatus;
            return Task.CompletedTask;
        });
        app.Map("/{**path}", async http =>
        {
            try
            {
                await backend.HandleAsync(http);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
            {
                backend.AbortedRequests.Enqueue(http.Request.Path);
            }
        });
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // hung handlers are abandoned
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var number = Interlocked.Increment(ref _calls);
        var fail = TakeFailure();
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var bodyText = await reader.ReadToEndAsync();
        if (RecordRequests)
        {
            var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            Requests.Enqueue(new ReceivedRequest(http.Request.Path + http.Request.QueryString, headers, bodyText));
        }

        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(bodyText) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, http.RequestAborted);
        }

        var model = body?["model"]?.GetValue<string>() ?? "unknown";
        var stream = body?["stream"]?.GetValue<bool>() ?? false;
        if (fail)
        {
            await WriteErrorAsync(http, 503);
            return;
        }

        var answer = AnswerText?.Invoke(new ChatCall(number, model, body)) ?? $"{Name} answered {model}" + (stream ? " " : string.Empty);
        if (Behavior == BackendBehavior.Ok && ToolCall?.Invoke(new ChatCall(number, model, body)) is { } toolCall)
        {
            await WriteToolCallAsync(http, model, stream, toolCall);
            return;
        }

        switch (Behavior)
        {
            case BackendBehavior.ServerError:
                await WriteErrorAsync(http, 500);
                return;
            case BackendBehavior.Hang:
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
                return;
            case BackendBehavior.DropMidStream or BackendBehavior.StallMidStream:
                http.Response.ContentType = "text/event-stream";
                await http.Response.StartAsync();
                var chunks = Behavior == BackendBehavior.DropMidStream ? 2 : 1;
                for (var i = 0; i < chunks; i++)
                {
                    await http.Response.WriteAsync($"data: {Chunk(model, "part" + i + " ", null)}\n\n");
                    await http.Response.Body.FlushAsync();
                }

                if (Behavior == BackendBehavior.DropMidStream)
                {
                    await CutAsync(http);
                    return;
                }

                await Task.Delay(Timeout.Infinite, http.RequestAborted);
                return;
        }

        if (stream)
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync($"data: {Chunk(model, null, null, role: "assistant", reasoning: Reasoning)}\n\n");
            var sent = 0;
            foreach (var word in StreamChunkCharacters > 0 ? answer.Chunk(StreamChunkCharacters).Select(c => new string(c)) : Words(answer))
            {
                if (sent++ == AbortStreamAfterChunks)
                {
                    await CutAsync(http);
                    return;
                }

                await http.Response.WriteAsync($"data: {Chunk(model, word, null, usage: UsageOnEveryChunk ? Usage(sent) : null)}\n\n");
                await http.Response.Body.FlushAsync();
            }

            await http.Response.WriteAsync($"data: {Chunk(model, null, "stop", usage: UsageOnEveryChunk ? Usage() : null)}\n\n");
            if (StreamUsage)
            {
                await http.Response.WriteAsync($$"""data: {"id":"chatcmpl-stream","object":"chat.completion.chunk","created":1700000000,"model":"{{model}}","choices":[],"usage":{{Usage().ToJsonString()}}}""" + "\n\n");
            }

            await http.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = answer };
        if (Reasoning is { } reasoning)
        {
            message["reasoning_content"] = reasoning;
        }

        http.Response.ContentType = "application/json";
        var json = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = "chatcmpl-" + Name,
            ["object"] = "chat.completion",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(),
        }.ToJsonString());

        // With a Content-Length, as OpenAI-compatible servers answer non-streaming requests.
        http.Response.ContentLength = json.Length;
        await http.Response.Body.WriteAsync(json);
    }

    private async Task WriteToolCallAsync(HttpContext http, string model, bool stream, BackendToolCall call)
    {
        if (stream)
        {
            http.Response.ContentType = "text/event-stream";
            var half = call.Arguments.Length / 2;
            var first = new JsonObject { ["index"] = 0, ["id"] = call.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = string.Empty } };
            foreach (var delta in new[] { first, Fragment(call.Arguments[..half]), Fragment(call.Arguments[half..]) })
            {
                await http.Response.WriteAsync($"data: {ToolChunk(model, delta, null)}\n\n");
                await http.Response.Body.FlushAsync();
            }

            await http.Response.WriteAsync($"data: {ToolChunk(model, null, "tool_calls")}\n\n");
            if (StreamUsage)
            {
                await http.Response.WriteAsync($$"""data: {"id":"chatcmpl-stream","object":"chat.completion.chunk","created":1700000000,"model":"{{model}}","choices":[],"usage":{{Usage().ToJsonString()}}}""" + "\n\n");
            }

            await http.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = call.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments } }),
        };
        var json = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = "chatcmpl-" + Name,
            ["object"] = "chat.completion",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = "tool_calls" }),
            ["usage"] = Usage(),
        }.ToJsonString());
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = json.Length;
        await http.Response.Body.WriteAsync(json);

        static JsonObject Fragment(string arguments) => new() { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = arguments } };
    }

    private static string ToolChunk(string model, JsonObject? call, string? finish) => new JsonObject
    {
        ["id"] = "chatcmpl-stream",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1700000000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = call is null ? new JsonObject() : new JsonObject { ["tool_calls"] = new JsonArray(call) },
            ["finish_reason"] = finish,
        }),
    }.ToJsonString();

    private bool TakeFailure()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _failNext);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _failNext, left - 1, left) != left);

        return true;
    }

    private static async Task WriteErrorAsync(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsync("""{"error":{"message":"boom","type":"server_error"}}""");
    }

    /// <summary>Drops the connection mid-stream, as a crashed or unplugged server would.</summary>
    private static async Task CutAsync(HttpContext http)
    {
        // Let the chunks reach the reader first (a reset discards unread socket data), so the router
        // has committed the stream to its client: a mid-stream failure, not a failed call.
        await Task.Delay(300, http.RequestAborted);
        http.Features.Get<IConnectionLifetimeFeature>()?.Abort();
    }

    /// <summary>Word-sized content chunks that join back to exactly <paramref name="text"/>: each word with the space after it.</summary>
    private static IEnumerable<string> Words(string text)
    {
        for (var start = 0; start < text.Length;)
        {
            var space = text.IndexOf(' ', start);
            var end = space < 0 ? text.Length : space + 1;
            yield return text[start..end];
            start = end;
        }
    }

    private JsonObject Usage(int? completion = null)
    {
        var usage = new JsonObject { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = completion ?? CompletionTokens, ["total_tokens"] = PromptTokens + (completion ?? CompletionTokens) };
        if (CachedPromptTokens > 0)
        {
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = CachedPromptTokens };
        }

        return usage;
    }

    private static string Chunk(string model, string? content, string? finish, string? role = null, string? reasoning = null, JsonObject? usage = null)
    {
        var delta = new JsonObject();
        if (role is not null)
        {
            delta["role"] = role;
        }

        if (reasoning is not null)
        {
            delta["reasoning_content"] = reasoning;
        }

        if (content is not null)
        {
            delta["content"] = content;
        }

        var chunk = new JsonObject
        {
            ["id"] = "chatcmpl-stream",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
        if (usage is not null)
        {
            chunk["usage"] = usage;
        }

        return chunk.ToJsonString();
    }
}

/// <summary>A function call a <see cref="LoopbackBackend"/> answers with (see <see cref="LoopbackBackend.ToolCall"/>).</summary>
public sealed record BackendToolCall(string Id, string Name, string Arguments);

/// <summary>One request as the backend saw it.</summary>
public sealed record ReceivedRequest(string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;
}
