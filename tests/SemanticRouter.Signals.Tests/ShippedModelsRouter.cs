using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Tests;

/// <summary>The real router app on the shipped models, in front of an echo backend, as the end-to-end tests start it.</summary>
internal sealed class ShippedModelsRouter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ShippedModelsRouter(WebApplication app, EchoBackend backend)
    {
        _app = app;
        Backend = backend;
        Http = new HttpClient { BaseAddress = RouterApplication.BoundAddress(app), Timeout = TimeSpan.FromSeconds(60) };
    }

    public EchoBackend Backend { get; }

    public HttpClient Http { get; }

    /// <param name="config">The router YAML for the backend's base URL.</param>
    public static async Task<ShippedModelsRouter> StartAsync(Func<string, string> config)
    {
        var backend = await EchoBackend.StartAsync();
        var app = RouterApplication.Build(
            new RouterHostOptions { ConfigYaml = config(backend.BaseUrl), Urls = "http://127.0.0.1:0" },
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
