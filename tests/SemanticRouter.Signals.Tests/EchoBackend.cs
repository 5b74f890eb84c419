using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// A real OpenAI-compatible server on loopback that answers "You said: &lt;last user text&gt;" and records every body
/// it receives. Streams arrive in 3-character chunks, so placeholders are split across chunks.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonObject> Received { get; } = new();

    public string BaseUrl => _app.Urls.First() + "/v1";

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new EchoBackend(app);
        app.MapPost("/v1/chat/completions", backend.HandleAsync);
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        Received.Enqueue(body);
        var messages = (JsonArray)body["messages"]!;
        var last = messages.Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();
        var answer = "You said: " + last;
        var model = body["model"]!.GetValue<string>();
        if (body["stream"]?.GetValue<bool>() == true)
        {
            http.Response.ContentType = "text/event-stream";
            for (var i = 0; i < answer.Length; i += 3)
            {
                await http.Response.WriteAsync("data: " + Chunk(model, answer.Substring(i, Math.Min(3, answer.Length - i)), null) + "\n\n");
                await http.Response.Body.FlushAsync();
            }

            await http.Response.WriteAsync("data: " + Chunk(model, null, "stop") + "\n\ndata: [DONE]\n\n");
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject
        {
            ["id"] = "chatcmpl-echo",
            ["object"] = "chat.completion",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
                ["finish_reason"] = "stop",
            }),
        }.ToJsonString());
    }

    private static string Chunk(string model, string? content, string? finish)
    {
        var delta = new JsonObject();
        if (content is not null)
        {
            delta["content"] = content;
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-echo",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        }.ToJsonString();
    }
}
