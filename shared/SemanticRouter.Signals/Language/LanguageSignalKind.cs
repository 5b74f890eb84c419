using SemanticRouter.Core.Config;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Language;

/// <summary>
/// <c>language</c> signals: the rule name is a language code; it matches when the identified language of the last
/// user turn is that language with probability ≥ <c>threshold</c> (default 0.3, the anchor's). Codes the default
/// model knows are listed in docs/signals.md; an unknown code is reported at load when the model is available.
/// </summary>
public sealed class LanguageSignalKind(Func<LearnedModels> models) : ISignalKind
{
    public const double DefaultThreshold = 0.3;

    public string Type => "language";

    public string ConfigKey => "language";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "description", "threshold", "language");
        var name = node.String("name", required: true);
        var code = (node.String("language") ?? name)?.Trim().ToLowerInvariant();
        var threshold = node.Double("threshold", 0, 1) ?? DefaultThreshold;
        return name is null || code is null ? null : new LanguageRule(name, code, threshold);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules)
    {
        var learned = models();
        _ = learned.Require(LearnedModel.LanguageIdentifier);
        return new LanguageEvaluator(rules.Cast<LanguageRule>().ToArray(), learned);
    }
}
