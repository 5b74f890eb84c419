using SemanticRouter.Core.Config;

namespace SemanticRouter.Async.Preference;

/// <summary><c>routing.signals.preferences[]</c>: a user-stated preference described by examples.</summary>
public sealed record PreferenceRule(string Name, string? Description, IReadOnlyList<string> Examples, double Threshold) : SignalRuleConfig(Name);
