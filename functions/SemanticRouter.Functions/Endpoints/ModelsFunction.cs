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
        var config = snapshots.Current.Config;
        var created = snapshots.Current.LoadedAt.ToUnixTimeSeconds();
        return Task.FromResult(JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var name in config.Global.Router.AutoModelNames)
            {
                Entry(w, name, created, "virtual", "Intelligent Router for Mixture-of-Models");
            }

            if (config.Global.Router.IncludeConfigModelsInList)
            {
                foreach (var model in config.Providers.Models)
                {
                    Entry(w, model.Name, created, "passthrough", null);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }

    private static void Entry(System.Text.Json.Utf8JsonWriter w, string id, long created, string resolution, string? description)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", "semantic-router");
        if (description is not null)
        {
            w.WriteString("description", description);
        }

        w.WriteStartObject("routing");
        w.WriteString("resolution", resolution);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
