using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace SemanticRouter.Operations.Tests;

/// <summary>
/// A real OpenAI-compatible backend on a loopback port: answers chat completions with a fixed
/// <c>usage</c> (JSON, or SSE ending in a usage chunk) or with a 500, and records request headers.
/// </summary>
internal sealed class ChatBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatBackend(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Urls.First() + "/v1");

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    public volatile bool Fail;

    public int PromptTokens { get; set; } = 11;

    public int CompletionTokens { get; set; } = 7;

    public static async Task<ChatBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new ChatBackend(app);
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
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(headers);
        var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
        var model = (string?)body["model"] ?? "unknown";
        if (Fail)
        {
            http.Response.StatusCode = 500;
            await http.Response.WriteAsync("""{"error":{"message":"backend down","type":"server_error","code":"down"}}""");
            return;
        }

        var usage = "{\"prompt_tokens\":" + PromptTokens + ",\"completion_tokens\":" + CompletionTokens + ",\"total_tokens\":" + (PromptTokens + CompletionTokens) + "}";
        if (body["stream"]?.GetValue<bool>() == true)
        {
            http.Response.ContentType = "text/event-stream";
            foreach (var word in new[] { "Hello", " there" })
            {
                await http.Response.WriteAsync("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"}}]}\n\n");
                await http.Response.Body.FlushAsync();
            }

            await http.Response.WriteAsync($$"""data: {"id":"c1","object":"chat.completion.chunk","model":"{{model}}","choices":[],"usage":""" + usage + "}\n\n");
            await http.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$"""{"id":"c1","object":"chat.completion","model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":""" + usage + "}", Encoding.UTF8);
    }
}
