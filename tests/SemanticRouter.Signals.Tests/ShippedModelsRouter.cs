using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Testing;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// The real router app on the shipped models, as the end-to-end tests start it, in front of a loopback backend that
/// answers "You said: &lt;last user text&gt;" and streams in 3-character chunks (so placeholders are split across chunks).
/// </summary>
internal sealed class ShippedModelsRouter : IAsyncDisposable
{
    private readonly RouterAppHost _host;

    private ShippedModelsRouter(RouterAppHost host, LoopbackBackend backend)
    {
        _host = host;
        Backend = backend;
    }

    public LoopbackBackend Backend { get; }

    public HttpClient Http => _host.Http;

    public Uri BaseAddress => _host.BaseAddress;

    /// <param name="config">The router YAML for the backend's base URL.</param>
    public static async Task<ShippedModelsRouter> StartAsync(Func<string, string> config)
    {
        var backend = await LoopbackBackend.StartAsync("echo");
        backend.AnswerText = call => "You said: " + call.LastUserText;
        backend.StreamChunkCharacters = 3;
        var host = await RouterAppHost.StartAsync(
            new RouterHostOptions { ConfigYaml = config(backend.BaseUrl.ToString()) },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = ShippedModels.Directory }));
        return new ShippedModelsRouter(host, backend);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
