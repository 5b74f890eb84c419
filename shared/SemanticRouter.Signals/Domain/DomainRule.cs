using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Domain;

/// <summary><c>routing.signals.domains[]</c>: matches when the classifier's category is one of <see cref="Categories"/>.</summary>
public sealed record DomainRule(string Name, IReadOnlyList<string> Categories, double Threshold, string FallbackCategory) : SignalRuleConfig(Name);
