using System.Collections.Concurrent;

namespace SemanticRouter.Operations.Tests;

/// <summary>
/// A loopback OTLP/HTTP endpoint (POST /v1/traces, protobuf bodies) that keeps what it receives.
/// Span names and ids are visible in the raw protobuf bytes, which is all the tests look at.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri TracesEndpoint => new(_app.Urls.First() + "/v1/traces");

    public ConcurrentQueue<(string ContentType, byte[] Body)> Exports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            receiver.Exports.Enqueue((http.Request.ContentType ?? string.Empty, buffer.ToArray()));
            http.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    public bool Received(ReadOnlySpan<byte> bytes)
    {
        foreach (var (_, body) in Exports)
        {
            if (body.AsSpan().IndexOf(bytes) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
