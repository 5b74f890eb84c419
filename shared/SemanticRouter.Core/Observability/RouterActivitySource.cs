using System.Diagnostics;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// The one <see cref="ActivitySource"/> for the router's spans (request, signal, decision, plugin,
/// upstream). Starting an activity costs nothing when no listener (OpenTelemetry) is attached.
/// </summary>
public static class RouterActivitySource
{
    public const string Name = "SemanticRouter";

    public static ActivitySource Source { get; } = new(Name, typeof(RouterActivitySource).Assembly.GetName().Version?.ToString());
}
