using System.Text;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>The real router app (RouterApplication) on a free loopback port, with request helpers for the operations tests.</summary>
internal sealed class RouterHost : IAsyncDisposable
{
    private readonly RouterAppHost _host;

    private RouterHost(RouterAppHost host) => _host = host;

    public Uri BaseAddress => _host.BaseAddress;

    public HttpClient Http => _host.Http;

    public IServiceProvider Services => _host.Services;

    public static async Task<RouterHost> StartAsync(string yaml, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? configure = null) =>
        new(await RouterAppHost.StartAsync(
            new RouterHostOptions { ConfigYaml = yaml, Environment = RouterAppHost.Environment(environment) },
            configure,
            TimeSpan.FromSeconds(30)));

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

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
