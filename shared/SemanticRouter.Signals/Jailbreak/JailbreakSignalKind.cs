using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// <c>jailbreak</c> signals: jailbreak / prompt-injection detection by the shared prompt classifier's
/// <c>jailbreak</c> head. <c>threshold</c> defaults to 0.15, the value chosen on the validation split for the default
/// model (≤ 1% of benign validation prompts flagged; see models/README.md); the anchor's prompt_guard default is 0.7
/// for its calibrated model. <c>include_history</c> also scans earlier user turns (a multi-turn attack often plants
/// the role-play early).
/// </summary>
public sealed class JailbreakSignalKind(Func<LearnedModels> models) : ISignalKind
{
    public const double DefaultThreshold = 0.15;

    public string Type => "jailbreak";

    public string ConfigKey => "jailbreak";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "method", "threshold", "include_history");
        var name = node.String("name", required: true);
        // Only the classifier method exists here; contrastive/hybrid need exemplar sets this build does not ship.
        node.Enum("method", "classifier");
        var threshold = node.Double("threshold", 0, 1) ?? DefaultThreshold;
        var history = node.Bool("include_history") ?? false;
        return name is null ? null : new JailbreakRule(name, threshold, history);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.PromptClassifier);
        return new JailbreakEvaluator(rules.Cast<JailbreakRule>().ToArray(), learned);
    }
}
