using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Pii;

/// <summary>
/// <c>pii</c> signals: typed PII spans from validated recognizers and the token classifier. <c>threshold</c>
/// (default 0.5) filters the classifier's spans; <c>pii_types_allowed</c> lists types that do not count;
/// <c>include_history</c> also scans earlier user turns.
/// </summary>
public sealed class PiiSignalKind(Func<LearnedModels> models) : ISignalKind
{
    public const double DefaultThreshold = 0.5;

    public string Type => "pii";

    public string ConfigKey => "pii";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "threshold", "include_history", "pii_types_allowed");
        var name = node.String("name", required: true);
        var threshold = node.Double("threshold", 0, 1) ?? DefaultThreshold;
        var history = node.Bool("include_history") ?? false;
        var allowed = PiiTypeList.Bind(node, "pii_types_allowed");
        return name is null ? null : new PiiRule(name, threshold, history, allowed);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.PiiTokenClassifier);
        return new PiiEvaluator(rules.Cast<PiiRule>().ToArray(), learned);
    }
}
