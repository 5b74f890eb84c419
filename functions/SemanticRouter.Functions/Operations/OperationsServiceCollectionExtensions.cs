using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Operations.Auth;
using SemanticRouter.Functions.Operations.Dashboard;
using SemanticRouter.Functions.Operations.Metrics;
using SemanticRouter.Functions.Operations.Tracing;

namespace SemanticRouter.Functions.Operations;

/// <summary>Wires metrics, tracing, the dashboard and API-key limits into the app.</summary>
internal static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddRouterOperations(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(sp =>
        {
            var metrics = new RouterMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

            // Resolved at collection time, not here: the snapshot provider may itself depend on the metrics.
            metrics.ObserveUpstreamBackends(() => sp.GetRequiredService<IRouterSnapshotSource>().Current.Models
                .SelectMany(m => m.Backends.Select(b => (m.Name, b.Name, b.Health.IsAvailable))));
            return metrics;
        });
        services.AddSingleton(sp =>
        {
            var settings = ObservabilitySettings.From(sp.GetRequiredService<IRouterSnapshotSource>().Current.Config);
            return new MetricsCollector(sp.GetRequiredService<RouterMetrics>(), settings.MetricsEnabled, settings.ServiceName);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<KeyLimits>();
        services.AddSingleton<TracingService>();
        services.AddHostedService(sp => sp.GetRequiredService<TracingService>());
        services.AddHostedService<ObservabilityStartup>();
        services.AddSingleton<IRouterFunction, MetricsFunction>();
        services.AddSingleton<IRouterFunction, MetricsSummaryFunction>();
        services.AddSingleton<IRouterFunction, DashboardFunction>();
        return services;
    }

    /// <summary>Builds the OpenTelemetry metrics pipeline at start, so nothing recorded before the first scrape is lost.</summary>
    private sealed class ObservabilityStartup(MetricsCollector collector) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = collector.Enabled;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
