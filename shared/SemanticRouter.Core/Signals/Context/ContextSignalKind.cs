using System.Globalization;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Signals.Context;

/// <summary><c>context</c> signals: <c>min_tokens</c>/<c>max_tokens</c> (e.g. "32K") on the estimated prompt size.</summary>
public sealed class ContextSignalKind : ISignalKind
{
    public string Type => "context";

    public string ConfigKey => "context";

    public SignalRuleConfig? Bind(ConfigNode node)
    {
        node.CheckKeys("name", "min_tokens", "max_tokens", "description");
        var name = node.String("name", required: true);
        var min = ParseTokens(node["min_tokens"]) ?? 0;
        var max = ParseTokens(node["max_tokens"]) ?? long.MaxValue;
        if (min > max)
        {
            node["min_tokens"].Error($"min_tokens ({min}) is above max_tokens ({max})");
        }

        if (!node["min_tokens"].Exists && !node["max_tokens"].Exists)
        {
            node.Error("needs min_tokens and/or max_tokens");
        }

        return name is null ? null : new ContextRule(name, min, max);
    }

    public ISignalEvaluator CreateEvaluator(IReadOnlyList<SignalRuleConfig> rules) => new Evaluator(rules.Cast<ContextRule>().ToArray());

    /// <summary>Parses 4096, "32K" or "1M".</summary>
    internal static long? ParseTokens(ConfigNode node)
    {
        var s = node.String();
        if (s is null)
        {
            return null;
        }

        var text = s.Trim();
        long multiplier = 1;
        if (text.EndsWith('K') || text.EndsWith('k'))
        {
            multiplier = 1024;
            text = text[..^1];
        }
        else if (text.EndsWith('M') || text.EndsWith('m'))
        {
            multiplier = 1024 * 1024;
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            node.Error($"expected a token count like 4096, 32K or 1M, got \"{s}\"");
            return null;
        }

        return (long)(value * multiplier);
    }

    private sealed class Evaluator(ContextRule[] rules) : ISignalEvaluator
    {
        public string Type => "context";

        public ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
        {
            var tokens = TokenEstimator.Estimate(context.Request.Messages);
            var results = new SignalMatch[rules.Length];
            for (var i = 0; i < rules.Length; i++)
            {
                var matched = tokens >= rules[i].MinTokens && tokens <= rules[i].MaxTokens;
                results[i] = new SignalMatch(Type, rules[i].Name, matched, matched ? 1.0 : 0.0, tokens);
            }

            return ValueTask.FromResult<IReadOnlyList<SignalMatch>>(results);
        }
    }
}
