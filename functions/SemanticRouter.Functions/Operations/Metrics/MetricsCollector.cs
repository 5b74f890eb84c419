using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// The router's OpenTelemetry metrics pipeline: one <see cref="MeterProvider"/> over this app's
/// <see cref="RouterMetrics"/> meter, exported to Prometheus (<c>GET /metrics</c>, rendered by
/// OpenTelemetry.Exporter.Prometheus.AspNetCore), kept in memory for the dashboard summary, and sent over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> is set and to Application
/// Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. Aggregates are cumulative since start, as
/// Prometheus expects.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>
    /// Series per metric: the SDK's default cardinality limit. Beyond it OpenTelemetry folds measurements into one
    /// <c>otel_metric_overflow="true"</c> series, so a label with unbounded values cannot exhaust memory.
    /// </summary>
    public const int MaxSeries = 2000;

    private readonly MeterProvider? _provider;
    private readonly BaseExportingMetricReader? _summaryReader;
    private readonly SnapshotExporter _snapshots = new();
    private readonly Lock _snapshotGate = new();
    private readonly Lazy<RequestDelegate> _scrape;
    private ServiceProvider? _scrapeServices;

    /// <param name="enabled">False builds no pipeline: the meter has no listener (global.services.observability.metrics.enabled: false).</param>
    /// <param name="serviceName">service.name for OTLP and Application Insights.</param>
    /// <param name="getSetting">Where the exporter settings are read (default: environment variables).</param>
    public MetricsCollector(RouterMetrics metrics, bool enabled, string serviceName = "semantic-router", Func<string, string?>? getSetting = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Enabled = enabled;
        _scrape = new Lazy<RequestDelegate>(BuildScrapePipeline);
        if (!enabled)
        {
            return;
        }

        getSetting ??= Environment.GetEnvironmentVariable;
        _summaryReader = new BaseExportingMetricReader(_snapshots) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            .AddMeter(RouterMetrics.MeterName)

            // Meters are matched by name process-wide; only this app's instance counts, so several apps in one
            // process (tests) keep separate numbers.
            .AddView(instrument => ReferenceEquals(instrument.Meter, metrics.Meter) ? null : MetricStreamConfiguration.Drop)
            .AddReader(_summaryReader)
            .AddPrometheusExporter(o =>
            {
                // Exactly today's names and labels: no otel_scope_* labels, no target_info family, a fresh
                // aggregate on every scrape.
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        if (!string.IsNullOrWhiteSpace(getSetting("OTEL_EXPORTER_OTLP_ENDPOINT")) || !string.IsNullOrWhiteSpace(getSetting("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")))
        {
            // Endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables.
            builder.AddOtlpExporter();
        }

        if (getSetting("APPLICATIONINSIGHTS_CONNECTION_STRING") is { Length: > 0 } appInsights)
        {
            builder.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
        }

        _provider = builder.Build();

        // Counters start at zero so a counter nothing has moved yet is scraped too and rate() works from the start.
        metrics.StartCountersAtZero();
    }

    public bool Enabled { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The Prometheus text exposition (format 0.0.4) of every metric, rendered by the OpenTelemetry exporter.</summary>
    public async Task<(byte[] Body, string ContentType)> ScrapeAsync(CancellationToken cancellationToken = default)
    {
        var context = new DefaultHttpContext { RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        using var body = new MemoryStream();
        context.Response.Body = body;
        await _scrape.Value(context).ConfigureAwait(false);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The Prometheus exporter answered {context.Response.StatusCode}.");
        }

        return (body.ToArray(), context.Response.ContentType ?? "text/plain; version=0.0.4; charset=utf-8");
    }

    /// <summary><see cref="ScrapeAsync"/> as text (tests, diagnostics).</summary>
    public async Task<string> WritePrometheusTextAsync() => System.Text.Encoding.UTF8.GetString((await ScrapeAsync().ConfigureAwait(false)).Body);

    /// <summary>Collects now and returns every metric with its series, for the dashboard summary.</summary>
    public IReadOnlyList<MetricSnapshot> Snapshot()
    {
        if (_summaryReader is null)
        {
            return [];
        }

        lock (_snapshotGate)
        {
            _summaryReader.Collect();
            return _snapshots.Latest;
        }
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _snapshots.Dispose();
        _scrapeServices?.Dispose();
    }

    /// <summary>
    /// The exporter is an ASP.NET Core middleware; it runs here on an in-memory request so <c>/metrics</c> stays a
    /// router function behind the router's own admin-key check, whichever host serves it.
    /// </summary>
    private RequestDelegate BuildScrapePipeline()
    {
        _scrapeServices = new ServiceCollection().BuildServiceProvider();
        var app = new ApplicationBuilder(_scrapeServices);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_provider ?? throw new InvalidOperationException("Metrics are disabled."), _ => true, null, null, null);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app.Build();
    }
}
