using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// <c>global.services.observability</c>: metrics exposition, tracing and request logging.
/// Metrics and tracing listeners are attached when the host starts (a reload does not toggle
/// them); <see cref="LogPrompts"/> is read per request.
/// </summary>
public sealed record ObservabilitySettings(
    bool MetricsEnabled,
    bool TracingEnabled,
    double SamplingRatio,
    string? OtlpEndpoint,
    string OtlpProtocol,
    string ServiceName,
    bool LogPrompts)
{
    public const string SectionPath = "services.observability";

    public static ObservabilitySettings Default { get; } = new(true, false, 1.0, null, "grpc", "semantic-router", false);

    public static ObservabilitySettings From(RouterConfig config) =>
        config.Global.Extensions.TryGetValue(SectionPath, out var s) && s is ObservabilitySettings o ? o : Default;

    /// <summary>Binds <c>global.services.observability</c> with path-precise errors.</summary>
    public sealed class Binder : IGlobalSectionBinder
    {
        public string Path => SectionPath;

        public object? Bind(ConfigNode section)
        {
            var d = Default;
            if (!section.Exists)
            {
                return d;
            }

            section.CheckKeys("metrics", "tracing", "logging");
            var metrics = section["metrics"];
            metrics.CheckKeys("enabled");
            var tracing = section["tracing"];
            tracing.CheckKeys("enabled", "sampling_ratio", "otlp_endpoint", "otlp_protocol", "service_name");
            var logging = section["logging"];
            logging.CheckKeys("log_prompts");

            var endpoint = tracing.String("otlp_endpoint");
            if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            {
                tracing["otlp_endpoint"].Error($"expected an absolute URL such as http://localhost:4317, got \"{endpoint}\"");
            }

            return new ObservabilitySettings(
                metrics.Bool("enabled") ?? d.MetricsEnabled,
                tracing.Bool("enabled") ?? d.TracingEnabled,
                tracing.Double("sampling_ratio", 0, 1) ?? d.SamplingRatio,
                endpoint,
                tracing.Enum("otlp_protocol", "grpc", "http/protobuf") ?? d.OtlpProtocol,
                tracing.String("service_name") ?? d.ServiceName,
                logging.Bool("log_prompts") ?? d.LogPrompts);
        }
    }
}
