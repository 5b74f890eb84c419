using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals.Context;

/// <summary><c>routing.signals.context[]</c>: matches when the estimated prompt size is within bounds.</summary>
public sealed record ContextRule(string Name, long MinTokens, long MaxTokens) : SignalRuleConfig(Name);
