using SemanticRouter.Cache.Operations;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>GET /api/v1/response-cache/stats</c>: entries in the store and this instance's lookups, hits
/// (exact and semantic) and hit rate per decision since start.
/// </summary>
internal sealed class CacheStatsFunction(ResponseCacheRuntime runtime) : IRouterFunction
{
    public string Name => "CacheStats";

    public string Route => "api/v1/response-cache/stats";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var store = runtime.CurrentStore;
        var info = store is null ? null : await store.DescribeAsync(cancellationToken);
        var decisions = runtime.Statistics.Snapshot();
        return JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("backend", info?.Backend);
            w.WriteNumber("entries", info?.Entries ?? 0);
            w.WriteNumber("evictions", info?.Evictions ?? 0);
            w.WriteNumber("expirations", info?.Expirations ?? 0);
            w.WriteNumber("store_failures", info?.Failures ?? 0);
            long lookups = 0, hits = 0;
            w.WriteStartObject("decisions");
            foreach (var (name, c) in decisions)
            {
                lookups += c.Lookups;
                hits += c.Hits;
                w.WriteStartObject(name);
                w.WriteNumber("lookups", c.Lookups);
                w.WriteNumber("hits", c.Hits);
                w.WriteNumber("exact_hits", c.ExactHits);
                w.WriteNumber("semantic_hits", c.SemanticHits);
                w.WriteNumber("misses", c.Misses);
                w.WriteNumber("hit_rate", Math.Round(c.HitRate, 4));
                w.WriteNumber("writes", c.Writes);
                w.WriteNumber("single_flight_waits", c.SingleFlightWaits);
                w.WriteNumber("bypassed", c.Bypassed);
                w.WriteNumber("failures", c.Failures);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteNumber("lookups", lookups);
            w.WriteNumber("hits", hits);
            w.WriteNumber("hit_rate", lookups == 0 ? 0 : Math.Round((double)hits / lookups, 4));
            w.WriteEndObject();
        });
    }
}
