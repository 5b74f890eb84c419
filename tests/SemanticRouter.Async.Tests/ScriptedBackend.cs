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

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

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
            var model = body["model"]?.GetValue<string>() ?? "unknown";
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
