using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Responses.Store;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// <c>GET /v1/responses/{id}</c> returns a stored response; <c>DELETE /v1/responses/{id}</c> removes it. Only the
/// tenant that made a response finds it; an unknown, expired or other tenant's id is a 404 in the OpenAI error format.
/// </summary>
internal sealed class ResponseFunction(IResponseStore store) : IRouterFunction
{
    public string Name => "Response";

    public string Route => "v1/responses/{id}";

    public IReadOnlyList<string> Methods => ["GET", "DELETE"];

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        request.RouteValues.TryGetValue("id", out var id);
        if (!ResponseIds.IsWellFormed(id))
        {
            return RouterPipeline.Error(RouterException.BadRequest("The response id must be resp_ followed by letters, digits, '-' or '_'.", "id"));
        }

        var tenant = ResponseTenant.Of(request.Headers);
        if (string.Equals(request.Method, "DELETE", StringComparison.OrdinalIgnoreCase))
        {
            return await store.DeleteAsync(tenant, id, cancellationToken)
                ? RouterResponse.Json(200, Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["object"] = "response", ["deleted"] = true }.ToJsonString()))
                : NotFound(id);
        }

        var stored = await store.GetAsync(tenant, id, cancellationToken);
        return stored is null ? NotFound(id) : RouterResponse.Json(200, Encoding.UTF8.GetBytes(stored.Response.ToJsonString()));
    }

    private static RouterResponse NotFound(string id) => RouterPipeline.Error(RouterException.NotFound($"Response with id '{id}' not found."));
}
