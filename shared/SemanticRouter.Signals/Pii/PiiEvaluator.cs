using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Pii;

/// <summary>Detects once per (text, threshold) and applies each rule's allow-list.</summary>
internal sealed class PiiEvaluator(PiiRule[] rules, LearnedModels models) : ISignalEvaluator
{
    public string Type => "pii";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var results = new SignalMatch[rules.Length];
        for (var r = 0; r < rules.Length; r++)
        {
            var rule = rules[r];
            var spans = new List<PiiSpan>();
            foreach (var message in context.Request.Messages)
            {
                var isLastUser = message.Index == LastUserIndex(context);
                if (message.Role != "user" || (!isLastUser && !rule.IncludeHistory) || message.Text.Length == 0)
                {
                    continue;
                }

                var text = message.Text;
                var entities = await context.GetOrAddFeature(
                    $"pii:{rule.Threshold}:{message.Index}",
                    () => models.PiiDetector.DetectAsync(text, rule.Threshold, cancellationToken)).ConfigureAwait(false);
                spans.AddRange(entities.Select(e => new PiiSpan(message.Index, e.Type, e.Start, e.End, e.Score, e.Source)));
            }

            var violations = spans.Where(s => !rule.AllowedTypes.Contains(s.Type)).ToList();
            var matched = violations.Count > 0;
            var confidence = matched ? violations.Max(s => s.Score) : 0;
            var types = violations.Select(v => v.Type).Distinct().Order(StringComparer.Ordinal).ToArray();
            results[r] = new SignalMatch(Type, rule.Name, matched, confidence, new PiiDetail(types, spans));
        }

        return results;
    }

    private static int LastUserIndex(SignalContext context)
    {
        var messages = context.Request.Messages;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == "user")
            {
                return messages[i].Index;
            }
        }

        return -1;
    }
}

/// <summary>A detected span in message <see cref="MessageIndex"/> (positions only: explain never echoes the PII).</summary>
public sealed record PiiSpan(int MessageIndex, string Type, int Start, int End, double Score, string Source);

/// <summary>Explain detail: the types that violate the rule and every span found.</summary>
public sealed record PiiDetail(IReadOnlyList<string> ViolatingTypes, IReadOnlyList<PiiSpan> Spans);
