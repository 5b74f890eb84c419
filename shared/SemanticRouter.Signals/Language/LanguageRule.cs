using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Language;

/// <summary><c>routing.signals.language[]</c>: the rule's name is a language code (ISO 639-1, e.g. <c>en</c>, <c>zh</c>).</summary>
public sealed record LanguageRule(string Name, string Code, double Threshold) : SignalRuleConfig(Name);
