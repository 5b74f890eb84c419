using System.ClientModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Tests;

/// <summary>The real router app on a free loopback port, as a test starts it.</summary>
internal sealed class RunningRouter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningRouter(WebApplication app)
    {
        _app = app;
        BaseAddress = RouterApplication.BoundAddress(app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningRouter> StartAsync(string yaml) =>
        await StartAsync(new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" });

    public static async Task<RunningRouter> StartAsync(RouterHostOptions options, Action<IServiceCollection>? configure = null)
    {
        var app = RouterApplication.Build(options with { Urls = "http://127.0.0.1:0" }, configure);
        await app.StartAsync();
        return new RunningRouter(app);
    }

    /// <summary>An official OpenAI .NET SDK client pointed at the router.</summary>
    public ChatClient Chat(string model) =>
        new(model, new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
