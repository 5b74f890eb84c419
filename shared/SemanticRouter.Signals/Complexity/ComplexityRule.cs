using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Complexity;

/// <summary><c>routing.signals.complexity[]</c>: hard and easy example prompts and the contrast margin.</summary>
public sealed record ComplexityRule(string Name, double Threshold, IReadOnlyList<string> Hard, IReadOnlyList<string> Easy) : SignalRuleConfig(Name);
