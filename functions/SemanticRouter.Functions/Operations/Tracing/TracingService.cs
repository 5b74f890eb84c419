using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Operations.Tracing;

/// <summary>
/// Exports the router's spans with the OpenTelemetry SDK over OTLP when
/// <c>global.services.observability.tracing.enabled</c> is true (off by default). Sampling is
/// parent-based with a trace-id ratio, so a caller's sampled trace is kept whole. The endpoint
/// comes from config or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable. With
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> set, spans also go to Application Insights (Azure Monitor exporter),
/// even with OTLP tracing off.
/// </summary>
internal sealed partial class TracingService(IRouterSnapshotSource snapshots, ILogger<TracingService> logger) : IHostedService, IDisposable
{
    private TracerProvider? _provider;

    public bool Enabled => _provider is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = ObservabilitySettings.From(snapshots.Current.Config);
        var appInsights = Environment.GetEnvironmentVariable("APPLICATIONINSIGHTS_CONNECTION_STRING");
        var toAzureMonitor = !string.IsNullOrWhiteSpace(appInsights);
        if (!settings.TracingEnabled && !toAzureMonitor)
        {
            return Task.CompletedTask;
        }

        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(settings.ServiceName))
            .AddSource(RouterActivitySource.Name)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplingRatio)));
        if (settings.TracingEnabled)
        {
            builder.AddOtlpExporter(o =>
            {
                o.Protocol = settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                if (settings.OtlpEndpoint is { } endpoint)
                {
                    o.Endpoint = new Uri(endpoint);
                }
            });
            LogEnabled(settings.SamplingRatio, settings.OtlpEndpoint ?? "(OTEL_EXPORTER_OTLP_ENDPOINT or default)");
        }

        if (toAzureMonitor)
        {
            // Application Insights gets the same spans (requests, dependencies) from the same sampler.
            builder.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
            LogAzureMonitor(settings.SamplingRatio);
        }

        _provider = builder.Build();
        return Task.CompletedTask;
    }

    /// <summary>Exports finished spans now (tests, and shutdown).</summary>
    public bool ForceFlush(int timeoutMilliseconds = 5000) => _provider?.ForceFlush(timeoutMilliseconds) ?? true;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        ForceFlush();
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracing on: sampling ratio {Ratio}, OTLP endpoint {Endpoint}")]
    private partial void LogEnabled(double ratio, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Spans and metrics to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING): sampling ratio {Ratio}")]
    private partial void LogAzureMonitor(double ratio);
}
