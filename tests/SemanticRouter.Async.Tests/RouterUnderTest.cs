using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>The real router (functions' RouterApplication) on a free loopback port, wired to Azurite and a loopback backend.</summary>
internal sealed class RouterUnderTest : IAsyncDisposable
{
    public const string FeedbackToken = "test-feedback-token-0123456789";

    private readonly WebApplication _app;

    private RouterUnderTest(WebApplication app)
    {
        _app = app;
        BaseAddress = RouterApplication.BoundAddress(app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RouterUnderTest> StartAsync(string yaml, AzuriteServer? azurite, IReadOnlyDictionary<string, string>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FEEDBACK_WEBHOOK_TOKEN"] = FeedbackToken,
            ["QUEUE_MAX_POLLING_INTERVAL_SECONDS"] = "0.2",
            ["QUEUE_RETRY_DELAY_SECONDS"] = "0",
        };
        if (azurite is not null)
        {
            settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            settings[k] = v;
        }

        var app = RouterApplication.Build(new RouterHostOptions
        {
            ConfigYaml = yaml,
            Urls = "http://127.0.0.1:0",
            Environment = name => settings.TryGetValue(name, out var v) ? v : null,
        }, configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RouterUnderTest(app);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
