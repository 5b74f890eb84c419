using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Sessions;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Functions.Sessions;

/// <summary>
/// Wires session affinity: the store <c>global.router.session_affinity.store</c> names at start (memory, or a table
/// in the app's storage account), behind the pipeline. Whether affinity is on is read per request, so a reload can
/// turn it on or off; a change of store takes a restart.
/// </summary>
internal static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddSessionAffinity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ISessionStore>(sp =>
        {
            var snapshots = sp.GetRequiredService<IRouterSnapshotSource>();
            var settings = SessionAffinitySettings.From(snapshots.Current.Config);
            var time = sp.GetRequiredService<TimeProvider>();
            return settings.Store == "table"
                ? new TableSessionStore(sp.GetRequiredService<StorageAccount>().GetTableClient(settings.Table), time)
                : new MemorySessionStore(() => SessionAffinitySettings.From(snapshots.Current.Config).MaxEntries, time);
        });
        services.AddSingleton(sp => new SessionAffinity(
            sp.GetRequiredService<ISessionStore>(),
            sp.GetService<RouterMetrics>(),
            sp.GetService<ILogger<SessionAffinity>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
