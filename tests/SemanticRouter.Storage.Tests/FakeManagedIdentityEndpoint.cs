using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// A FAKE of the App Service / Azure Functions managed identity endpoint (no Azure is reachable
/// here). It speaks the documented protocol: <c>GET {IDENTITY_ENDPOINT}?resource=...&amp;api-version=2019-08-01&amp;client_id=...</c>
/// with header <c>X-IDENTITY-HEADER: {IDENTITY_HEADER}</c>, answering <c>{access_token, expires_on, resource, token_type, client_id}</c>.
/// Requests without the right secret get 401, as the platform does.
/// </summary>
internal sealed class FakeManagedIdentityEndpoint : IAsyncDisposable
{
    private readonly ConcurrentQueue<IQueryCollection> _requests = new();
    private LoopbackServer _server = null!;
    private int _issued;

    public string Secret { get; } = Guid.NewGuid().ToString("N");

    public Uri Endpoint => new(_server.BaseAddress, "/msi/token");

    public IReadOnlyList<IQueryCollection> TokenRequests => _requests.ToArray();

    public static async Task<FakeManagedIdentityEndpoint> StartAsync()
    {
        var fake = new FakeManagedIdentityEndpoint();
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    public static string TokenFor(string clientId, int serial) => $"fake-token-{clientId}-{serial}";

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/msi/token" || context.Request.Headers["X-IDENTITY-HEADER"] != Secret)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        _requests.Enqueue(context.Request.Query);
        var clientId = context.Request.Query["client_id"].ToString();
        var serial = Interlocked.Increment(ref _issued);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["access_token"] = TokenFor(clientId, serial),
            ["expires_on"] = (now + 3600).ToString(CultureInfo.InvariantCulture),
            ["not_before"] = now.ToString(CultureInfo.InvariantCulture),
            ["resource"] = context.Request.Query["resource"].ToString(),
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        }));
    }
}
