using System.Text.RegularExpressions;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals.Keyword;

/// <summary>How a keyword rule combines its keywords.</summary>
public enum KeywordOperator
{
    /// <summary>Any keyword present.</summary>
    Or,

    /// <summary>Every keyword present.</summary>
    And,

    /// <summary>No keyword present.</summary>
    Nor,
}

/// <summary><c>routing.signals.keywords[]</c>: compiled matchers for one keyword set.</summary>
public sealed record KeywordRule(string Name, KeywordOperator Operator, IReadOnlyList<string> Keywords, IReadOnlyList<Regex> Matchers) : SignalRuleConfig(Name)
{
    /// <summary>
    /// One alternation of every keyword's pattern, matching exactly when some keyword matches; null when the rule has one
    /// keyword or a pattern cannot be joined. Most prompts match no keyword of most rules, and this answers that with
    /// one scan of the text instead of one per keyword.
    /// </summary>
    public Regex? AnyMatcher { get; init; }
}
