using System.Globalization;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;
using SemanticRouter.Core.Plugins.FastResponse;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Pii;

/// <summary>
/// <c>pii</c> plugin: a decision's PII policy over the user turns that go upstream. PII of a type not in
/// <c>pii_types_allowed</c> is blocked (fast_response with <c>x-vsr-pii-violation</c>), redacted to <c>[TYPE]</c>, or
/// masked with placeholders that <see cref="PiiRestoringInterceptor"/> restores in the answer, streamed or not.
/// </summary>
public sealed class PiiPolicyPlugin(PiiPolicySettings settings, LearnedModels models) : IRoutePlugin
{
    internal const string MaskerItem = "pii.masker";

    public string Type => Factory.TypeName;

    public async ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var detector = models.PiiDetector;
        var masker = settings.Action == PiiAction.MaskAndRestore ? new PiiMasker() : null;
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var node in context.Request.MessagesNode)
        {
            if (node is not JsonObject message || message["role"]?.GetValue<string>() != "user")
            {
                continue;
            }

            switch (message["content"])
            {
                case JsonValue v when v.TryGetValue<string>(out var text):
                    var rewritten = await ApplyAsync(detector, text, masker, types, cancellationToken).ConfigureAwait(false);
                    if (!ReferenceEquals(rewritten, text))
                    {
                        message["content"] = rewritten;
                        changed = true;
                    }

                    break;
                case JsonArray parts:
                    foreach (var part in parts)
                    {
                        if (part is JsonObject p && p["type"]?.GetValue<string>() == "text" && p["text"] is JsonValue tv && tv.TryGetValue<string>(out var partText))
                        {
                            var r = await ApplyAsync(detector, partText, masker, types, cancellationToken).ConfigureAwait(false);
                            if (!ReferenceEquals(r, partText))
                            {
                                p["text"] = r;
                                changed = true;
                            }
                        }
                    }

                    break;
            }
        }

        if (types.Count == 0)
        {
            return null;
        }

        var typeList = string.Join(',', types);
        context.ResponseHeaders["x-vsr-pii-types"] = typeList;
        if (settings.Action == PiiAction.Block)
        {
            context.ResponseHeaders["x-vsr-pii-violation"] = "true";
            var model = context.SelectedModel?.Name ?? "router";
            var message = settings.Message ?? $"This request was blocked because it contains personal data that this route does not allow: {typeList}.";
            return FastResponsePlugin.Answer(context, message, model, "content_filter");
        }

        context.ResponseHeaders["x-vsr-pii-action"] = settings.Action == PiiAction.Redact ? "redact" : "mask_and_restore";
        if (changed)
        {
            context.Request.MessagesChanged();
        }

        if (masker is not null)
        {
            context.Items[MaskerItem] = masker;
        }

        return null;
    }

    public IResponseInterceptor? CreateResponseInterceptor(RoutingContext context) =>
        context.Items.TryGetValue(MaskerItem, out var m) && m is PiiMasker { Originals.Count: > 0 } masker
            ? new PiiRestoringInterceptor(new PlaceholderRestorer(masker.Originals, masker.MaxPlaceholderLength))
            : null;

    private async Task<string> ApplyAsync(PiiDetector detector, string text, PiiMasker? masker, SortedSet<string> types, CancellationToken cancellationToken)
    {
        var entities = await detector.DetectAsync(text, settings.Threshold, cancellationToken).ConfigureAwait(false);
        var denied = entities.Where(e => !settings.AllowedTypes.Contains(e.Type)).ToList();
        foreach (var e in denied)
        {
            types.Add(e.Type);
        }

        if (denied.Count == 0 || settings.Action == PiiAction.Block)
        {
            return text;
        }

        return PiiMasker.Replace(text, denied, e => masker is null ? "[" + e.Type + "]" : masker.PlaceholderFor(e.Type, text[e.Start..e.End]));
    }

    /// <summary>Binds <c>{action, pii_types_allowed, threshold, message}</c>.</summary>
    public sealed class Factory(Func<LearnedModels> models) : IPluginFactory
    {
        public const string TypeName = "pii";

        public string Type => TypeName;

        public IReadOnlyList<string> Aliases => ["pii_policy"];

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("enabled", "action", "pii_types_allowed", "threshold", "message");
            var action = configuration.Enum("action", "block", "redact", "mask_and_restore") switch
            {
                "redact" => PiiAction.Redact,
                "mask_and_restore" => PiiAction.MaskAndRestore,
                _ => PiiAction.Block,
            };
            var threshold = configuration.Double("threshold", 0, 1) ?? PiiSignalKind.DefaultThreshold;
            return new PiiPolicySettings(action, PiiTypeList.Bind(configuration, "pii_types_allowed"), threshold, configuration.String("message"));
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context)
        {
            var learned = models();
            _ = learned.Require(LearnedModel.PiiTokenClassifier);
            return new PiiPolicyPlugin((PiiPolicySettings)settings, learned);
        }
    }
}

/// <summary>Bound <c>pii</c> plugin configuration.</summary>
public sealed record PiiPolicySettings(PiiAction Action, IReadOnlySet<string> AllowedTypes, double Threshold, string? Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Action} threshold={Threshold}");
}
