using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Testing;

/// <summary>One request that went through a <see cref="CountingProxy"/>: path as sent (still percent-encoded) and the status returned.</summary>
public sealed record ProxiedRequest(string Method, string Path, string Query, int Status);

/// <summary>
/// A loopback HTTP reverse proxy for tests: forwards every request byte-for-byte (path, query,
/// headers, body — so SharedKey signatures stay valid) to an upstream such as Azurite and records
/// what passed, so a test can count transfers on the wire. It can also throttle response bodies
/// and inject failures, to exercise retries and interrupted downloads.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly Uri _upstream;
    private long _responseBytes;
    private int _failuresToInject;
    private int _failureStatus;

    private CountingProxy(Uri upstream, WebApplication app)
    {
        _upstream = upstream;
        _app = app;
    }

    /// <summary>The proxy's own base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ProxiedRequest> Requests => _requests.ToArray();

    /// <summary>Response body bytes forwarded so far.</summary>
    public long ResponseBytes => Interlocked.Read(ref _responseBytes);

    /// <summary>When set, response bodies are paced to about this many bytes per second.</summary>
    public long? ThrottleBytesPerSecond { get; set; }

    /// <summary>Starts a proxy for an upstream base address such as http://127.0.0.1:10000.</summary>
    public static async Task<CountingProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var proxy = new CountingProxy(new Uri(upstream.GetLeftPart(UriPartial.Authority)), app);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        proxy.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return proxy;
    }

    /// <summary>Rewrites an upstream endpoint (e.g. Azurite's http://127.0.0.1:10000/devstoreaccount1) to go through this proxy.</summary>
    public Uri Wrap(Uri upstreamEndpoint) => new(BaseAddress, upstreamEndpoint.PathAndQuery);

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="status"/> without forwarding them.</summary>
    public void FailNext(int count, HttpStatusCode status)
    {
        Volatile.Write(ref _failureStatus, (int)status);
        Volatile.Write(ref _failuresToInject, count);
    }

    public void Reset()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _responseBytes, 0);
    }

    /// <summary>Requests whose method matches and whose decoded path ends with <paramref name="pathSuffix"/>.</summary>
    public int Count(string method, string pathSuffix) =>
        _requests.Count(r => r.Method == method && Uri.UnescapeDataString(r.Path).EndsWith(pathSuffix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? string.Empty : target[question..];
        var method = context.Request.Method;

        if (Interlocked.Decrement(ref _failuresToInject) >= 0)
        {
            context.Response.StatusCode = Volatile.Read(ref _failureStatus);
            _requests.Enqueue(new ProxiedRequest(method, path, query, context.Response.StatusCode));
            return;
        }

        Interlocked.Exchange(ref _failuresToInject, 0);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_upstream, target));
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0 || HttpMethods.IsPut(method) || HttpMethods.IsPost(method))
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            _requests.Enqueue(new ProxiedRequest(method, path, query, StatusCodes.Status502BadGateway));
            return;
        }

        using (response)
        {
            _requests.Enqueue(new ProxiedRequest(method, path, query, (int)response.StatusCode));
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            try
            {
                await CopyBodyAsync(response, context);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The upstream went away mid-body: cut the client connection too, as a real network would.
                context.Abort();
            }
        }
    }

    private async Task CopyBodyAsync(HttpResponseMessage response, HttpContext context)
    {
        var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            Interlocked.Add(ref _responseBytes, read);
            if (ThrottleBytesPerSecond is { } rate && rate > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)read / rate), context.RequestAborted);
            }
        }
    }
}
