using System.Text.RegularExpressions;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals.Keyword;

/// <summary>
/// <c>keyword</c> signals: regex (default, as in the anchor) or literal keywords, case sensitivity,
/// optional word boundaries, combined with OR / AND / NOR over the last user message.
/// </summary>
public sealed partial class KeywordSignalKind : ISignalKind
{
    public string Type => "keyword";

    public string ConfigKey => "keywords";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "operator", "keywords", "case_sensitive", "method", "word_boundary", "description");
        var name = node.String("name", required: true);
        var op = node.Enum("operator", "OR", "AND", "NOR") switch
        {
            "AND" => KeywordOperator.And,
            "NOR" => KeywordOperator.Nor,
            _ => KeywordOperator.Or,
        };
        var caseSensitive = node.Bool("case_sensitive") ?? false;
        var literal = (node.Enum("method", "regex", "literal") ?? "regex") == "literal";
        var wordBoundary = node.Bool("word_boundary") ?? false;
        var keywords = node.StringList("keywords");
        if (keywords.Count == 0)
        {
            node["keywords"].Error("must list at least one keyword");
        }

        var options = caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase;
        var matchers = new List<Regex>(keywords.Count);
        var patterns = new List<string>(keywords.Count);
        var items = node["keywords"].Items();
        for (var i = 0; i < keywords.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(keywords[i]))
            {
                continue;
            }

            var pattern = literal ? Regex.Escape(keywords[i]) : keywords[i];
            if (wordBoundary)
            {
                pattern = $@"(?<![\w]){(literal ? pattern : "(?:" + pattern + ")")}(?![\w])";
            }

            if (RouterConfigLoader.CompileRegex(items[i], pattern, options | RegexOptions.Compiled) is { } regex)
            {
                matchers.Add(regex);
                patterns.Add(pattern);
            }
        }

        if (name is null || matchers.Count != keywords.Count)
        {
            return null;
        }

        var any = matchers.Count > 1 && (literal || keywords.All(CanJoin))
            ? RouterConfigLoader.TryCompileRegex(string.Join('|', patterns.Select(p => "(?:" + p + ")")), options | RegexOptions.Compiled)
            : null;
        return new KeywordRule(name, op, keywords, matchers) { AnyMatcher = any };
    }

    /// <summary>
    /// Whether a user pattern means the same inside one alternation of all the rule's patterns: group numbers shift
    /// there (breaking backreferences and conditionals), and inline options such as <c>(?x)</c> can swallow the
    /// closing parenthesis, so any pattern with a backreference or a <c>(?</c> construct keeps the rule on per-keyword scans.
    /// </summary>
    private static bool CanJoin(string pattern) =>
        !pattern.Contains("(?", StringComparison.Ordinal) && !pattern.Contains("\\k", StringComparison.Ordinal) && !BackReference().IsMatch(pattern);

    [GeneratedRegex(@"\\[1-9]")]
    private static partial Regex BackReference();

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules) => new KeywordEvaluator(rules.Cast<KeywordRule>().ToArray());
}
