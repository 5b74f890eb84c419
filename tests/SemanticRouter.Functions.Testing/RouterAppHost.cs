using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Testing;

/// <summary>The real router app (<see cref="RouterApplication"/>) on a free loopback port, with a client pointed at it.</summary>
internal sealed class RouterAppHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RouterAppHost(WebApplication app, TimeSpan clientTimeout)
    {
        _app = app;
        BaseAddress = RouterApplication.BoundAddress(app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = clientTimeout };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="options">How to host it; <c>Urls</c> is always replaced by a free loopback port.</param>
    /// <param name="clientTimeout">The timeout of <see cref="Http"/>; 60 s unless given.</param>
    public static async Task<RouterAppHost> StartAsync(RouterHostOptions options, Action<IServiceCollection>? configure = null, TimeSpan? clientTimeout = null)
    {
        var app = RouterApplication.Build(options with { Urls = "http://127.0.0.1:0" }, configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RouterAppHost(app, clientTimeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>An environment lookup over a fixed map (app settings for a test), null for anything not in it.</summary>
    public static Func<string, string?> Environment(IReadOnlyDictionary<string, string>? settings) =>
        name => settings is not null && settings.TryGetValue(name, out var value) ? value : null;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
