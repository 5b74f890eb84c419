using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals;

/// <summary>
/// A family of signals (keyword, context, domain, …): binds its `routing.signals.&lt;key&gt;` entries
/// and builds an evaluator for the rules that decisions actually reference.
/// </summary>
public interface ISignalKind
{
    /// <summary>The decision-leaf type, e.g. <c>keyword</c>.</summary>
    string Type { get; }

    /// <summary>The key under <c>routing.signals</c>, e.g. <c>keywords</c>.</summary>
    string ConfigKey { get; }

    /// <summary>Binds one rule entry; reports problems on <paramref name="node"/> and returns null when unusable.</summary>
    SignalRuleConfig? Bind(ConfigNode node);

    /// <summary>The names a decision leaf may use for this rule (complexity adds <c>name:easy</c> etc.).</summary>
    IEnumerable<string> LeafNames(SignalRuleConfig rule) => [rule.Name];

    /// <summary>
    /// Whether rules may carry a <c>composer</c> (the loader binds it into <see cref="SignalRuleConfig.Composer"/>
    /// and the kind's evaluator implements <see cref="IComposedSignalEvaluator"/>).
    /// </summary>
    bool SupportsComposer => false;

    /// <summary>Whether rules may carry <c>model_scores</c> (the loader binds them into <see cref="SignalRuleConfig.ModelScores"/>).</summary>
    bool SupportsModelScores => false;

    /// <summary>Builds the evaluator for the referenced rules (never empty).</summary>
    ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules);
}
