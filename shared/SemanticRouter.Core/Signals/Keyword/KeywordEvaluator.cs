using System.Text.RegularExpressions;

namespace SemanticRouter.Core.Signals.Keyword;

/// <summary>Runs every referenced keyword rule over the last user message.</summary>
internal sealed class KeywordEvaluator(KeywordRule[] rules) : ISignalEvaluator
{
    public string Type => "keyword";

    public ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var text = context.Request.LastUserText;
        var results = new SignalMatch[rules.Length];
        for (var r = 0; r < rules.Length; r++)
        {
            var rule = rules[r];
            if (rule.AnyMatcher is { } any && IsMatch(any, text) == false)
            {
                var none = rule.Operator == KeywordOperator.Nor;
                results[r] = new SignalMatch(Type, rule.Name, none, none ? 1.0 : 0.0, null);
                continue;
            }

            List<string>? found = null;
            for (var i = 0; i < rule.Matchers.Count; i++)
            {
                if (IsMatch(rule.Matchers[i], text) == true)
                {
                    (found ??= []).Add(rule.Keywords[i]);
                }
                else if (rule.Operator == KeywordOperator.And)
                {
                    found = null;
                    break;
                }
            }

            var matched = rule.Operator switch
            {
                KeywordOperator.And => found is not null && found.Count == rule.Matchers.Count,
                KeywordOperator.Nor => found is null,
                _ => found is not null,
            };
            results[r] = new SignalMatch(Type, rule.Name, matched, matched ? 1.0 : 0.0, found);
        }

        return ValueTask.FromResult<IReadOnlyList<SignalMatch>>(results);
    }

    /// <summary>Null when the match timed out: a pathological pattern/input pair must not stall routing.</summary>
    private static bool? IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // A keyword that times out counts as absent; a timed-out joined scan decides nothing, so each keyword is tried.
            return null;
        }
    }
}
