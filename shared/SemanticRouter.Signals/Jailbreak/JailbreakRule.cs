using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// <c>routing.signals.jailbreak[]</c>. <see cref="Threshold"/> applies to the classifier probability (classifier,
/// hybrid) or to the contrast (contrastive); <see cref="ContrastiveThreshold"/> is the contrast threshold of a hybrid
/// rule. The pattern lists are the built-in sets unless the rule lists its own.
/// </summary>
public sealed record JailbreakRule(
    string Name,
    JailbreakMethod Method,
    double Threshold,
    bool IncludeHistory,
    double ContrastiveThreshold,
    IReadOnlyList<string> JailbreakPatterns,
    IReadOnlyList<string> BenignPatterns) : SignalRuleConfig(Name)
{
    public bool UsesClassifier => Method != JailbreakMethod.Contrastive;

    public bool UsesContrast => Method != JailbreakMethod.Classifier;
}
