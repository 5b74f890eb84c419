using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Functions.Demo;

/// <summary>
/// The built-in DEMO backend for <c>serve --demo</c>: an OpenAI-compatible echo server on loopback,
/// so routing can be seen working with no LLM at hand. Every answer says it comes from the demo.
/// </summary>
internal sealed class DemoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoBackend(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Urls.First() + "/v1");

    public static async Task<DemoBackend> StartAsync(string urls = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", HandleAsync);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = Array.Empty<object>() }));
        await app.StartAsync();
        return new DemoBackend(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var model = body?["model"]?.GetValue<string>() ?? "unknown";
        var messages = body?["messages"] as JsonArray ?? [];
        var system = messages.OfType<JsonObject>().FirstOrDefault(m => m["role"]?.GetValue<string>() == "system");
        var lastUser = messages.OfType<JsonObject>().LastOrDefault(m => m["role"]?.GetValue<string>() == "user");
        var text = $"[demo backend, model {model}] You said: {ChatRequest.ContentText(lastUser?["content"])}";
        if (system is not null)
        {
            text += $" (system prompt: {ChatRequest.ContentText(system["content"])})";
        }

        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = "chatcmpl-demo-" + Guid.NewGuid().ToString("N")[..12];
        if (body?["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            http.Response.ContentType = Sse.ContentType;
            await Sse.WriteAllAsync(http.Response.Body, ChatCompletionFactory.Chunks(id, model, text, "stop", created), http.RequestAborted);
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(ChatCompletionFactory.Completion(id, model, text, "stop", created));
    }
}
