using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// <c>hallucination</c> (HaluGate): for requests that carry grounding context (tool results or a
/// <c>context</c> field), audits the answer against it — inline for non-streaming answers
/// (<c>mode: sync</c>), through the <c>halugate-audits</c> queue (<c>async</c>), or both.
/// </summary>
internal sealed class HallucinationPlugin(HallucinationSettings settings, HallucinationAuditor auditor, AuditEnqueuer? enqueuer, ILogger logger) : IRoutePlugin
{
    public const string TypeName = "hallucination";
    internal const string ContextItem = "hallucination.context";

    public string Type => TypeName;

    public HallucinationSettings Settings => settings;

    public ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var grounding = GroundingContext.Extract(context.Request);
        if (settings.StripContextField)
        {
            // Upstream APIs reject unknown fields; the context has been captured for the audit.
            context.Request.Body.Remove(GroundingContext.FieldName);
        }

        if (grounding.Trim().Length > 0)
        {
            context.Items[ContextItem] = grounding;
        }

        return ValueTask.FromResult<RouterResponse?>(null);
    }

    public IResponseInterceptor? CreateResponseInterceptor(RoutingContext context) =>
        context.Items.TryGetValue(ContextItem, out var grounding)
            ? new HallucinationInterceptor(context, (string)grounding, settings, auditor, enqueuer, logger)
            : null;

    /// <summary>Binds <c>{enabled, mode, action, min_confidence, strip_context_field}</c>; services are resolved when created.</summary>
    internal sealed class Factory(IServiceProvider services) : IPluginFactory
    {
        public string Type => TypeName;

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("enabled", "mode", "action", "hallucination_action", "min_confidence", "strip_context_field");
            var mode = configuration.Enum("mode", "async", "sync", "both") switch
            {
                "sync" => HallucinationMode.Sync,
                "both" => HallucinationMode.Both,
                _ => HallucinationMode.Async,
            };
            var actionKey = configuration["action"].Exists ? "action" : "hallucination_action";
            var action = configuration.Enum(actionKey, "header", "body", "none") switch
            {
                "body" => HallucinationAction.Body,
                "none" => HallucinationAction.None,
                _ => HallucinationAction.Header,
            };
            return new HallucinationSettings(
                mode,
                action,
                configuration.Double("min_confidence", 0, 1) ?? HallucinationAuditor.DefaultMinConfidence,
                configuration.Bool("strip_context_field") ?? true);
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context)
        {
            var s = (HallucinationSettings)settings;
            var detector = services.GetService<ISpanDetector>() ?? new LexicalGroundingDetector();
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<HallucinationPlugin>() ?? (ILogger)NullLogger.Instance;
            return new HallucinationPlugin(s, new HallucinationAuditor(detector, s.MinConfidence), services.GetService<AuditEnqueuer>(), logger);
        }
    }
}
