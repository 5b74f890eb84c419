using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Pii;

/// <summary>
/// <c>routing.signals.pii[]</c>: matches when the prompt holds PII of a type not in <see cref="AllowedTypes"/>
/// (empty = any PII matches). <see cref="Threshold"/> applies to the token classifier's span scores.
/// </summary>
public sealed record PiiRule(string Name, double Threshold, bool IncludeHistory, IReadOnlySet<string> AllowedTypes) : SignalRuleConfig(Name);
