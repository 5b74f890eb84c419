using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// A real OpenAI-compatible chat server on a loopback port whose answer text the test sets, so
/// an audit has a known answer to check. Records every request body it receives.
/// </summary>
internal sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedBackend(WebApplication app) => _app = app;

    public volatile string Answer = "OK";

    /// <summary>For <c>stream: true</c>: after this many content chunks the connection is cut without <c>[DONE]</c>.</summary>
    public volatile int AbortStreamAfterChunks = -1;

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>The <c>x-request-id</c> the router sent with each request, in order.</summary>
    public ConcurrentQueue<string> RequestIds { get; } = new();

    public Uri BaseUrl => new(_app.Urls.First() + "/v1");

    public static async Task<ScriptedBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new ScriptedBackend(app);
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
            backend.Requests.Enqueue(body);
            backend.RequestIds.Enqueue(http.Request.Headers["x-request-id"].ToString());
            var model = body["model"]?.GetValue<string>() ?? "unknown";
            if (body["stream"]?.GetValue<bool>() == true)
            {
                await backend.StreamAsync(http, model);
                return;
            }

            var answer = new JsonObject
            {
                ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                ["object"] = "chat.completion",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = backend.Answer },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
            };
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer.ToJsonString());
        });
        await app.StartAsync();
        return backend;
    }

    /// <summary>OpenAI chunk format: a role chunk, the answer in word-sized content chunks, a finish chunk, then <c>[DONE]</c>.</summary>
    private async Task StreamAsync(HttpContext http, string model)
    {
        http.Response.ContentType = "text/event-stream";
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        async Task SendAsync(JsonObject delta, string? finish)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
            };
            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await http.Response.Body.FlushAsync();
        }

        await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null);
        var pieces = System.Text.RegularExpressions.Regex.Split(Answer, @"(?<= )");
        for (var i = 0; i < pieces.Length; i++)
        {
            if (i == AbortStreamAfterChunks)
            {
                // Let the router commit the stream to its client first, so this is a mid-stream failure, not a failed call.
                await Task.Delay(300);
                http.Abort();
                return;
            }

            await SendAsync(new JsonObject { ["content"] = pieces[i] }, null);
        }

        await SendAsync(new JsonObject(), "stop");
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
