using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Testing;

namespace SemanticRouter.Cache.Tests;

/// <summary>The real router app on a loopback port, configured with a response_cache decision in front of a loopback backend (<see cref="NumberedBackend"/>).</summary>
internal sealed class CacheRouter : IAsyncDisposable
{
    private readonly RouterAppHost _host;

    private CacheRouter(RouterAppHost host) => _host = host;

    public Uri Address => _host.BaseAddress;

    public HttpClient Http => _host.Http;

    public IServiceProvider Services => _host.Services;

    public static async Task<CacheRouter> StartAsync(Uri backendUrl, string plugin = "{mode: exact_then_semantic}", string store = "{backend_type: memory, embedding_model: hashing-ngram-512-v1}", Action<IServiceCollection>? configure = null)
    {
        var yaml = $$"""
            version: v1
            providers:
              default_model: small
              models:
                - name: small
                  provider_model_id: small-8b
                  backend_refs:
                    - {name: scripted, base_url: "{{backendUrl}}", weight: 1}
            routing:
              strategy: priority
              decisions:
                - name: faq
                  priority: 1
                  rules: {operator: AND, conditions: []}
                  modelRefs: [{model: small}]
                  plugins:
                    - {type: response_cache, configuration: {{plugin}}}
            global:
              router: {auto_model_names: [MoM, auto]}
              upstream: {max_attempts: 1}
              stores:
                response_cache: {{store}}
            """;
        return new CacheRouter(await RouterAppHost.StartAsync(new RouterHostOptions { ConfigYaml = yaml }, configure));
    }

    public async Task<Answer> AskAsync(string text, string? tenant = null, string? system = null, string model = "MoM", bool stream = false, string? user = null, string? cacheControl = null, bool debug = false)
    {
        var messages = new JsonArray();
        if (system is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }

        messages.Add(new JsonObject { ["role"] = "user", ["content"] = text });
        var body = new JsonObject { ["model"] = model, ["messages"] = messages, ["stream"] = stream };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (tenant is not null)
        {
            request.Headers.Add("x-authz-tenant-id", tenant);
        }

        if (user is not null)
        {
            request.Headers.Add("x-authz-user-id", user);
        }

        if (cacheControl is not null)
        {
            request.Headers.Add("x-vsr-cache-control", cacheControl);
        }

        if (debug)
        {
            request.Headers.Add("x-vsr-debug", "true");
        }

        using var response = await Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Headers, raw, stream ? StreamedText(raw) : CompletionText(raw));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static string CompletionText(string raw) =>
        JsonNode.Parse(raw)?["choices"]?[0]?["message"]?["content"]?.GetValue<string>() ?? string.Empty;

    private static string StreamedText(string raw)
    {
        var sb = new StringBuilder();
        foreach (var line in raw.Split('\n'))
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal))
            {
                var content = JsonNode.Parse(line[6..])?["choices"]?[0]?["delta"]?["content"];
                sb.Append(content?.GetValue<string>());
            }
        }

        return sb.ToString();
    }

    internal sealed record Answer(int Status, HttpResponseHeaders Headers, string Raw, string Text)
    {
        public bool CacheHit => Header("x-vsr-cache-hit") == "true";

        public string? Header(string name) => Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
    }
}
