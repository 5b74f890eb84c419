using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Operations.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>: a static, read-only page that polls <c>/api/v1/metrics/summary</c>. The page
/// carries no data itself, so it is public; the summary behind it needs the admin key when auth is on.
/// </summary>
internal sealed class DashboardFunction : IRouterFunction
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(DashboardFunction).Assembly.GetManifestResourceStream("SemanticRouter.Functions.dashboard.html")
            ?? throw new InvalidOperationException("embedded dashboard page missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    public string Name => "Dashboard";

    public string Route => "dashboard";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var response = new RouterResponse { StatusCode = 200, ContentType = "text/html; charset=utf-8", Body = Page.Value };
        response.Headers["cache-control"] = "no-cache";
        response.Headers["content-security-policy"] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";
        response.Headers["x-content-type-options"] = "nosniff";
        return Task.FromResult(response);
    }
}
