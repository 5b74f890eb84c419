using System.Text.Json;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>GET /api/v1/audits/{id}</c>: the HaluGate audit result of one request id (404 until the
/// audit has run). The id is a route value, matched from the path by the standalone server's routing or by the
/// isolated worker's (which maps each HTTP function's route).
/// </summary>
internal sealed class AuditFunction(IAuditStore store) : IRouterFunction
{
    public string Name => "Audit";

    public string Route => "api/v1/audits/{id}";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        request.RouteValues.TryGetValue("id", out var id);
        if (!RequestIds.IsWellFormed(id))
        {
            return RouterPipeline.Error(RouterException.BadRequest("The audit id must be a request id (letters, digits, '-', '_', '.').", "id"));
        }

        var result = await store.GetAsync(id, cancellationToken);
        return result is null
            ? RouterPipeline.Error(RouterException.NotFound($"No audit for request {id} (yet)."))
            : RouterResponse.Json(200, JsonSerializer.SerializeToUtf8Bytes(result, EndpointsJsonContext.Default.AuditResult));
    }
}
