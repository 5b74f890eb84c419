using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// The real router app on the shipped models, as the end-to-end tests start it, in front of a loopback backend that
/// answers "You said: &lt;last user text&gt;" and streams in 3-character chunks (so placeholders are split across chunks).
/// </summary>
internal sealed class ShippedModelsRouter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ShippedModelsRouter(WebApplication app, LoopbackBackend backend)
    {
        _app = app;
        Backend = backend;
        Http = new HttpClient { BaseAddress = RouterApplication.BoundAddress(app), Timeout = TimeSpan.FromSeconds(60) };
    }

    public LoopbackBackend Backend { get; }

    public HttpClient Http { get; }

    /// <param name="config">The router YAML for the backend's base URL.</param>
    public static async Task<ShippedModelsRouter> StartAsync(Func<string, string> config)
    {
        var backend = await LoopbackBackend.StartAsync("echo");
        backend.AnswerText = call => "You said: " + call.LastUserText;
        backend.StreamChunkCharacters = 3;
        var app = RouterApplication.Build(
            new RouterHostOptions { ConfigYaml = config(backend.BaseUrl.ToString()), Urls = "http://127.0.0.1:0" },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = ShippedModels.Directory }));
        await app.StartAsync();
        return new ShippedModelsRouter(app, backend);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
