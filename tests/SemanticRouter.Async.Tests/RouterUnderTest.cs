using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Testing;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>The real router (functions' RouterApplication) on a free loopback port, wired to Azurite and a loopback backend.</summary>
internal sealed class RouterUnderTest : IAsyncDisposable
{
    public const string FeedbackToken = "test-feedback-token-0123456789";

    private readonly RouterAppHost _host;

    private RouterUnderTest(RouterAppHost host) => _host = host;

    public Uri BaseAddress => _host.BaseAddress;

    public HttpClient Http => _host.Http;

    public IServiceProvider Services => _host.Services;

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

        return new RouterUnderTest(await RouterAppHost.StartAsync(
            new RouterHostOptions { ConfigYaml = yaml, Environment = RouterAppHost.Environment(settings) },
            configure));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
