using System.Text.RegularExpressions;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals.Keyword;

/// <summary>
/// <c>keyword</c> signals: regex (default, as in the anchor) or literal keywords, case sensitivity,
/// optional word boundaries, combined with OR / AND / NOR over the last user message.
/// </summary>
public sealed class KeywordSignalKind : ISignalKind
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
            }
        }

        return name is null || matchers.Count != keywords.Count ? null : new KeywordRule(name, op, keywords, matchers);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules) => new KeywordEvaluator(rules.Cast<KeywordRule>().ToArray());
}
