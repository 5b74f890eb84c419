using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary><c>GET /v1/models</c>: the auto model names (routed) and, by default, the configured models (pass-through).</summary>
internal sealed class ModelsFunction(IRouterSnapshotSource snapshots) : IRouterFunction
{
    public string Name => "Models";

    public string Route => "v1/models";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var snapshot = snapshots.Current;
        var created = snapshot.LoadedAt.ToUnixTimeSeconds();
        return Task.FromResult(JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var entry in ModelListing.Entries(snapshot.Config))
            {
                ModelListing.Write(w, entry, created);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }
}
