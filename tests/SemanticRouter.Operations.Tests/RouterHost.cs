using System.Text;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Operations.Tests;

/// <summary>The real router app (RouterApplication) on a free loopback port.</summary>
internal sealed class RouterHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RouterHost(WebApplication app)
    {
        _app = app;
        BaseAddress = RouterApplication.BoundAddress(app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RouterHost> StartAsync(string yaml, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? configure = null)
    {
        var app = RouterApplication.Build(
            new RouterHostOptions
            {
                ConfigYaml = yaml,
                Urls = "http://127.0.0.1:0",
                Environment = name => environment is not null && environment.TryGetValue(name, out var v) ? v : null,
            },
            configure);
        await app.StartAsync();
        return new RouterHost(app);
    }

    public async Task<HttpResponseMessage> ChatAsync(string content, string model = "MoM", bool stream = false, string? key = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(content)}}}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
