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
/// comes from config or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable.
/// </summary>
internal sealed partial class TracingService(IRouterSnapshotSource snapshots, ILogger<TracingService> logger) : IHostedService, IDisposable
{
    private TracerProvider? _provider;

    public bool Enabled => _provider is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = ObservabilitySettings.From(snapshots.Current.Config);
        if (!settings.TracingEnabled)
        {
            return Task.CompletedTask;
        }

        _provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(settings.ServiceName))
            .AddSource(RouterActivitySource.Name)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplingRatio)))
            .AddOtlpExporter(o =>
            {
                o.Protocol = settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                if (settings.OtlpEndpoint is { } endpoint)
                {
                    o.Endpoint = new Uri(endpoint);
                }
            })
            .Build();
        LogEnabled(settings.SamplingRatio, settings.OtlpEndpoint ?? "(OTEL_EXPORTER_OTLP_ENDPOINT or default)");
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
}
