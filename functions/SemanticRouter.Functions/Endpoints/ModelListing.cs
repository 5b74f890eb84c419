using System.Text.Json;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// The model objects <c>GET /v1/models</c> lists and <c>GET /v1/models/{id}</c> returns: the auto model names
/// (routed) and, unless <c>include_config_models_in_list</c> is false, the configured models (pass-through).
/// </summary>
internal static class ModelListing
{
    private const string RouterDescription = "Intelligent Router for Mixture-of-Models";

    public static IEnumerable<(string Id, string Resolution, string? Description)> Entries(RouterConfig config)
    {
        foreach (var name in config.Global.Router.AutoModelNames)
        {
            yield return (name, "virtual", RouterDescription);
        }

        if (config.Global.Router.IncludeConfigModelsInList)
        {
            foreach (var model in config.Providers.Models)
            {
                yield return (model.Name, "passthrough", null);
            }
        }
    }

    public static void Write(Utf8JsonWriter w, (string Id, string Resolution, string? Description) entry, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", entry.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", "semantic-router");
        if (entry.Description is not null)
        {
            w.WriteString("description", entry.Description);
        }

        w.WriteStartObject("routing");
        w.WriteString("resolution", entry.Resolution);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
