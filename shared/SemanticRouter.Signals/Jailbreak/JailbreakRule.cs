using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary><c>routing.signals.jailbreak[]</c>: the classifier's jailbreak probability against <see cref="Threshold"/>.</summary>
public sealed record JailbreakRule(string Name, double Threshold, bool IncludeHistory) : SignalRuleConfig(Name);
