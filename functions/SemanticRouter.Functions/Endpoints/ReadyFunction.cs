using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>GET /ready</c>: 503 with progress until every readiness check passes, then 200. It also names the config version
/// in force (load time and SHA-256 of its text), so a rollout can be checked instance by instance.
/// </summary>
internal sealed class ReadyFunction(IRouterSnapshotSource snapshots, IEnumerable<IReadinessCheck> checks) : IRouterFunction
{
    public string Name => "Ready";

    public string Route => "ready";

    public IReadOnlyList<string> Methods => ["GET"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var all = checks.ToList();
        var ready = all.All(c => c.IsReady);
        return Task.FromResult(JsonResponses.Write(ready ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", ready ? "ready" : "starting");
            var snapshot = snapshots.Current;
            w.WriteString("config_loaded_at", snapshot.LoadedAt);
            w.WriteString("config_hash", snapshot.ConfigHash);
            w.WriteStartObject("checks");
            foreach (var check in all)
            {
                w.WriteStartObject(check.Name);
                w.WriteBoolean("ready", check.IsReady);
                w.WritePropertyName("progress");
                check.WriteProgress(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }
}
