// The SDK marks its Responses client evaluation-only (OPENAI001); it is the client the Responses API tests must use.
#pragma warning disable OPENAI001

using System.ClientModel;
using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>The real router app on a free loopback port, as a test starts it, with an OpenAI SDK client for it.</summary>
internal sealed class RunningRouter : IAsyncDisposable
{
    private readonly RouterAppHost _host;

    private RunningRouter(RouterAppHost host) => _host = host;

    public Uri BaseAddress => _host.BaseAddress;

    public HttpClient Http => _host.Http;

    public IServiceProvider Services => _host.Services;

    public static Task<RunningRouter> StartAsync(string yaml) => StartAsync(new RouterHostOptions { ConfigYaml = yaml });

    public static async Task<RunningRouter> StartAsync(RouterHostOptions options, Action<IServiceCollection>? configure = null) =>
        new(await RouterAppHost.StartAsync(options, configure, TimeSpan.FromSeconds(30)));

    /// <summary>An official OpenAI .NET SDK client pointed at the router.</summary>
    public ChatClient Chat(string model) =>
        new(model, new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>The official OpenAI .NET SDK's Responses client pointed at the router.</summary>
    public ResponsesClient Responses() =>
        new(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>An official Anthropic .NET SDK client pointed at the router (no retries, so each call is one request).</summary>
    public AnthropicClient Anthropic() =>
        new(new ClientOptions { ApiKey = "test-key", BaseUrl = BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0, Timeout = TimeSpan.FromSeconds(30) });

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
