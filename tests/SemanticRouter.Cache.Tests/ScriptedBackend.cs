using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Cache.Tests;

/// <summary>
/// A real OpenAI-compatible backend on loopback that counts calls. It answers
/// "answer #N to: &lt;last user text&gt;" (so a cached answer is recognisable by its number), as JSON
/// or as an SSE stream, optionally slowly, with reasoning, or aborting mid-stream.
/// </summary>
internal sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private ScriptedBackend(WebApplication app) => _app = app;

    public int Calls => Volatile.Read(ref _calls);

    public TimeSpan Delay { get; set; }

    /// <summary>When set, streams stop after two chunks by aborting the connection (no [DONE]).</summary>
    public bool AbortStreams { get; set; }

    public int StatusCode { get; set; } = 200;

    /// <summary>The next this-many calls answer 503 whatever <see cref="StatusCode"/> says.</summary>
    public int FailNext;

    public string? Reasoning { get; set; }

    public string BaseUrl => _app.Urls.First() + "/v1";

    public static async Task<ScriptedBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new ScriptedBackend(app);
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
        var n = Interlocked.Increment(ref _calls);
        var status = Interlocked.Decrement(ref FailNext) >= 0 ? 503 : StatusCode;
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        if (status != 200)
        {
            http.Response.StatusCode = status;
            await http.Response.WriteAsJsonAsync(new { error = new { message = "scripted failure", type = "server_error", code = "boom" } });
            return;
        }

        var lastUser = body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!;
        var text = $"answer #{n} to: {ChatRequest.ContentText(lastUser["content"])}";
        var model = body["model"]!.GetValue<string>();
        var id = "chatcmpl-backend-" + n;
        if (body["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            http.Response.ContentType = Sse.ContentType;
            var chunks = new List<string>();
            if (Reasoning is not null)
            {
                chunks.Add($$"""{"id":"{{id}}","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":{{JsonSerializer.Serialize(Reasoning)}}},"finish_reason":null}]}""");
            }

            chunks.AddRange(ChatCompletionFactory.Chunks(id, model, text, "stop", 1));
            var sent = 0;
            foreach (var chunk in chunks)
            {
                if (AbortStreams && sent == 2)
                {
                    http.Abort();
                    return;
                }

                await Sse.WriteEventAsync(http.Response.Body, chunk, http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                sent++;
            }

            await http.Response.Body.WriteAsync(Sse.Done);
            return;
        }

        http.Response.ContentType = "application/json";
        var completion = JsonNode.Parse(ChatCompletionFactory.Completion(id, model, text, "stop", 1))!.AsObject();
        if (Reasoning is not null)
        {
            completion["choices"]![0]!["message"]!["reasoning_content"] = Reasoning;
        }

        await http.Response.WriteAsync(completion.ToJsonString());
    }
}
