using System.Text.Json;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// The rotation of every configured backend for <c>/ready</c>: healthy, ejected (until when, how often) or failing its
/// health check. Always ready: ejection never takes a model's last backend out, and with every backend failing its
/// health check the router still tries them all, so the instance can take traffic either way; the detail is for
/// operators and dashboards.
/// </summary>
internal sealed class UpstreamReadiness(IRouterSnapshotSource snapshots) : IReadinessCheck
{
    public string Name => "upstream";

    public bool IsReady => true;

    public void WriteProgress(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var model in snapshots.Current.Models)
        {
            writer.WriteStartObject(model.Name);
            foreach (var backend in model.Backends)
            {
                var health = backend.Health;
                writer.WriteStartObject(backend.Name);
                writer.WriteString("state", health.State switch
                {
                    BackendState.Ejected => "ejected",
                    BackendState.Unhealthy => "unhealthy",
                    _ => "healthy",
                });
                if (health.EjectedUntil is { } until)
                {
                    writer.WriteString("ejected_until", until);
                }

                writer.WriteNumber("ejections", health.Ejections);
                writer.WriteNumber("consecutive_failures", health.ConsecutiveFailures);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
