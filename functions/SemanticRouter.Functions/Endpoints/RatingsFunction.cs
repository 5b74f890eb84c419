using System.Text.Json;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary><c>GET /api/v1/ratings</c>: the aggregated user ratings per (decision, model), freshly read from the store.</summary>
internal sealed class RatingsFunction(RatingsView ratings) : IRouterFunction
{
    public string Name => "Ratings";

    public string Route => "api/v1/ratings";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var document = await ratings.LoadAsync(cancellationToken);
        return JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("updated", document.Updated);
            w.WriteNumber("total_applied", document.TotalApplied);
            w.WriteStartArray("ratings");
            foreach (var pair in document.Pairs.Values.OrderBy(p => p.Decision, StringComparer.Ordinal).ThenByDescending(p => p.Mean))
            {
                w.WriteStartObject();
                w.WriteString("decision", pair.Decision);
                w.WriteString("model", pair.Model);
                w.WriteNumber("count", pair.Count);
                w.WriteNumber("up", pair.Up);
                w.WriteNumber("down", pair.Down);
                w.WriteStartArray("stars");
                foreach (var s in pair.Stars)
                {
                    w.WriteNumberValue(s);
                }

                w.WriteEndArray();
                w.WriteNumber("success_rate", Math.Round(pair.Mean, 4));
                w.WritePropertyName("categories");
                JsonSerializer.Serialize(w, pair.Categories, EndpointsJsonContext.Default.DictionaryStringInt64);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
