using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Benchmarks;

/// <summary>
/// The floor for any HTTP proxy on this machine: Kestrel in, one pooled upstream call out, body bytes
/// copied both ways, no parsing. It pays the same second loopback hop the router does, so
/// router/minimal-proxy isolates the router's own work from the cost of being a proxy at all.
/// </summary>
internal sealed class MinimalProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MinimalProxy(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First() + "/v1/chat/completions");

    /// <param name="routerHeaders">
    /// Also send the headers the router must send (x-request-id and accept upstream; x-request-id and the four
    /// x-vsr-selected-*/response-path headers to the client), fixed values: the cost of that contract alone.
    /// </param>
    public static async Task<MinimalProxy> StartAsync(Uri upstream, bool routerHeaders = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 1024 });
        app.MapPost("/v1/chat/completions", async http =>
        {
            var body = new byte[(int)(http.Request.ContentLength ?? 0)];
            await http.Request.Body.ReadExactlyAsync(body, http.RequestAborted);
            using var request = new HttpRequestMessage(HttpMethod.Post, upstream) { Content = new ByteArrayContent(body), Version = HttpVersion.Version11 };
            request.Content.Headers.ContentType = new("application/json");
            if (routerHeaders)
            {
                request.Headers.TryAddWithoutValidation("accept", "application/json");
                request.Headers.TryAddWithoutValidation("x-request-id", "0123456789abcdef0123456789abcdef");
                http.Response.Headers["x-request-id"] = "0123456789abcdef0123456789abcdef";
                http.Response.Headers["x-vsr-selected-model"] = "large";
                http.Response.Headers["x-vsr-selected-decision"] = "math";
                http.Response.Headers["x-vsr-selected-confidence"] = "1.0000";
                http.Response.Headers["x-vsr-response-path"] = "upstream";
            }
            using var response = await invoker.SendAsync(request, http.RequestAborted);
            var answer = await response.Content.ReadAsByteArrayAsync(http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = answer.Length;
            await http.Response.Body.WriteAsync(answer, http.RequestAborted);
        });
        await app.StartAsync();
        return new MinimalProxy(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
