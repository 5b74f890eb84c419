using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary><c>GET /health</c>: liveness; answers while the process serves requests.</summary>
internal sealed class HealthFunction : IRouterFunction
{
    private static readonly byte[] Ok = """{"status":"ok"}"""u8.ToArray();

    public string Name => "Health";

    public string Route => "health";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(RouterResponse.Json(200, Ok));
}
