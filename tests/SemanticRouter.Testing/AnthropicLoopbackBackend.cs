using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Testing;

/// <summary>
/// A real HTTP server on a loopback port speaking the Anthropic Messages API (<c>POST /v1/messages</c>): a JSON
/// <c>message</c>, or with <c>stream: true</c> the event sequence (<c>message_start</c>, <c>ping</c>, content block
/// events with <c>text_delta</c> / <c>input_json_delta</c>, <c>message_delta</c>, <c>message_stop</c>). It records each
/// request and can answer with a tool call or fail (529 overloaded) on purpose.
/// </summary>
public sealed class AnthropicLoopbackBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;

    private AnthropicLoopbackBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The API root, as Anthropic SDKs take it (requests go to <c>{root}/v1/messages</c>).</summary>
    public Uri BaseUrl => new(_app.Urls.First());

    /// <summary>The answer's text; null answers "<c>{Name} answered {model}</c>".</summary>
    public Func<ChatCall, string>? AnswerText { get; set; }

    /// <summary>When it returns a call, the answer is that tool use (<c>stop_reason: tool_use</c>).</summary>
    public Func<ChatCall, BackendToolCall?>? ToolCall { get; set; }

    /// <summary>When set, every request is refused with this status and an Anthropic <c>invalid_request_error</c> body.</summary>
    public int? RefuseWith { get; set; }

    /// <summary>When above 0, answers report this many prompt-cache reads (<c>usage.cache_read_input_tokens</c>).</summary>
    public int CacheReadInputTokens { get; set; }

    /// <summary>The next this-many requests answer 529 <c>overloaded_error</c>.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    public static async Task<AnthropicLoopbackBackend> StartAsync(string name = "claude")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new AnthropicLoopbackBackend(app, name);
        app.MapPost("/v1/messages", backend.HandleAsync);
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
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var bodyText = await reader.ReadToEndAsync();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new ReceivedRequest(http.Request.Path + http.Request.QueryString, headers, bodyText));
        var body = JsonNode.Parse(bodyText) as JsonObject;
        var model = body?["model"]?.GetValue<string>() ?? "unknown";
        var stream = body?["stream"]?.GetValue<bool>() ?? false;
        if (RefuseWith is { } status)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"}}""");
            return;
        }

        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            http.Response.StatusCode = 529;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
            return;
        }

        Interlocked.CompareExchange(ref _failNext, 0, -1);
        var call = new ChatCall(Requests.Count, model, Chat(body));
        var tool = ToolCall?.Invoke(call);
        var text = tool is null ? AnswerText?.Invoke(call) ?? $"{Name} answered {model}" : null;
        if (!stream)
        {
            var content = new JsonArray();
            if (text is not null)
            {
                content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            }

            if (tool is not null)
            {
                content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = tool.Id, ["name"] = tool.Name, ["input"] = JsonNode.Parse(tool.Arguments) });
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(new JsonObject
            {
                ["id"] = "msg_" + Name,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = content,
                ["stop_reason"] = tool is null ? "end_turn" : "tool_use",
                ["stop_sequence"] = null,
                ["usage"] = InputUsage(7),
            }.ToJsonString());
            return;
        }

        http.Response.ContentType = "text/event-stream";
        await EventAsync(http, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_" + Name,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = InputUsage(1),
            },
        });
        await EventAsync(http, "ping", new JsonObject { ["type"] = "ping" });
        if (text is not null)
        {
            await EventAsync(http, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } });
            foreach (var word in text.Split(' '))
            {
                await EventAsync(http, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = word + " " } });
            }

            await EventAsync(http, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        }
        else
        {
            await EventAsync(http, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = tool!.Id, ["name"] = tool.Name, ["input"] = new JsonObject() } });
            var half = tool.Arguments.Length / 2;
            foreach (var part in new[] { tool.Arguments[..half], tool.Arguments[half..] })
            {
                await EventAsync(http, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = part } });
            }

            await EventAsync(http, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        }

        await EventAsync(http, "message_delta", new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = tool is null ? "end_turn" : "tool_use", ["stop_sequence"] = null }, ["usage"] = new JsonObject { ["output_tokens"] = 7 } });
        await EventAsync(http, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    /// <summary>The request's user turns as chat messages, so <see cref="ChatCall.LastUserText"/> works the same.</summary>
    private static JsonObject? Chat(JsonObject? body)
    {
        if (body?["messages"] is not JsonArray messages)
        {
            return null;
        }

        var chat = new JsonArray();
        foreach (var m in messages)
        {
            var text = m?["content"] switch
            {
                JsonArray blocks => string.Concat(blocks.Select(b => b?["type"]?.GetValue<string>() == "text" ? b["text"]?.GetValue<string>() : null)),
                JsonNode n => n.GetValue<string>(),
                null => string.Empty,
            };
            chat.Add(new JsonObject { ["role"] = m?["role"]?.DeepClone(), ["content"] = text });
        }

        return new JsonObject { ["messages"] = chat };
    }

    private static async Task EventAsync(HttpContext http, string name, JsonObject payload)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {payload.ToJsonString()}\n\n");
        await http.Response.Body.FlushAsync();
    }

    private JsonObject InputUsage(int output)
    {
        var usage = new JsonObject { ["input_tokens"] = 11, ["output_tokens"] = output };
        if (CacheReadInputTokens > 0)
        {
            usage["cache_read_input_tokens"] = CacheReadInputTokens;
        }

        return usage;
    }
}
