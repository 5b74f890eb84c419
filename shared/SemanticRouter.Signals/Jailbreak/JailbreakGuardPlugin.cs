using System.Globalization;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;
using SemanticRouter.Core.Plugins.FastResponse;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// <c>jailbreak</c> plugin for the blocking decision: when a jailbreak signal matched, sets the anchor's
/// <c>x-vsr-jailbreak-blocked</c> / <c>-type</c> / <c>-confidence</c> headers and (action <c>block</c>, the default)
/// answers with a refusal from model <c>security-filter</c>; with action <c>header</c> it only adds the headers, so
/// a following <c>fast_response</c> plugin answers.
/// </summary>
public sealed class JailbreakGuardPlugin(JailbreakGuardSettings settings) : IRoutePlugin
{
    public string Type => Factory.TypeName;

    public ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var hit = context.Signals.All.Where(s => s.Type == "jailbreak" && s.Matched).MaxBy(s => s.Confidence);
        if (hit is null)
        {
            return ValueTask.FromResult<RouterResponse?>(null);
        }

        var confidence = hit.Confidence.ToString("0.000", CultureInfo.InvariantCulture);
        context.ResponseHeaders["x-vsr-jailbreak-blocked"] = "true";
        context.ResponseHeaders["x-vsr-jailbreak-type"] = "jailbreak";
        context.ResponseHeaders["x-vsr-jailbreak-confidence"] = confidence;
        if (!settings.Block)
        {
            return ValueTask.FromResult<RouterResponse?>(null);
        }

        var message = settings.Message ?? $"I can't help with that request: it was classified as a jailbreak attempt (type: jailbreak, confidence: {confidence}).";
        return ValueTask.FromResult<RouterResponse?>(FastResponsePlugin.Answer(context, message, "security-filter", "content_filter"));
    }

    /// <summary>Binds <c>{action: block|header, message}</c>.</summary>
    public sealed class Factory : IPluginFactory
    {
        public const string TypeName = "jailbreak";

        public string Type => TypeName;

        public IReadOnlyList<string> Aliases => ["jailbreak_guard"];

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("enabled", "action", "message");
            var block = (configuration.Enum("action", "block", "header") ?? "block") == "block";
            return new JailbreakGuardSettings(block, configuration.String("message"));
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context) => new JailbreakGuardPlugin((JailbreakGuardSettings)settings);
    }
}

/// <summary>Bound <c>jailbreak</c> plugin configuration.</summary>
public sealed record JailbreakGuardSettings(bool Block, string? Message);
