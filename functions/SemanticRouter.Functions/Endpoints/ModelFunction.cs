using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>GET /v1/models/{id}</c>: one model object, as OpenAI's "retrieve model" returns it (OpenAI clients call it to
/// check a model before using it); 404 <c>model_not_found</c> for an id <c>GET /v1/models</c> does not list.
/// </summary>
internal sealed class ModelFunction(IRouterSnapshotSource snapshots) : IRouterFunction
{
    public string Name => "Model";

    public string Route => "v1/models/{id}";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        request.RouteValues.TryGetValue("id", out var id);
        var snapshot = snapshots.Current;
        foreach (var entry in ModelListing.Entries(snapshot.Config))
        {
            if (string.Equals(entry.Id, id, StringComparison.Ordinal))
            {
                var created = snapshot.LoadedAt.ToUnixTimeSeconds();
                return Task.FromResult(JsonResponses.Write(200, w => ModelListing.Write(w, entry, created)));
            }
        }

        return Task.FromResult(RouterPipeline.Error(new RouterException(404, "invalid_request_error", "model_not_found", $"The model '{id}' does not exist. GET /v1/models lists the models this router serves.", "model")));
    }
}
