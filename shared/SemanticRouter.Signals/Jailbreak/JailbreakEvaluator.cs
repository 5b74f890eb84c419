using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>Scores the last user turn (and, for include_history rules, every earlier user turn: the maximum counts).</summary>
internal sealed class JailbreakEvaluator(JailbreakRule[] rules, LearnedModels models) : ISignalEvaluator
{
    /// <summary>Earlier user turns scanned at most (newest first), so a long conversation cannot multiply the cost without bound.</summary>
    internal const int MaxHistoryTurns = 16;

    public string Type => "jailbreak";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var last = Score(await PromptFeatures.ClassifyLastUser(context, models, cancellationToken).ConfigureAwait(false));
        double? history = null;
        var historyTurn = -1;
        if (rules.Any(r => r.IncludeHistory))
        {
            (history, historyTurn) = await ScoreHistoryAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var results = new SignalMatch[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var score = last;
            var turn = -1;
            if (rule.IncludeHistory && history is { } h && h > score)
            {
                score = h;
                turn = historyTurn;
            }

            var matched = score >= rule.Threshold;
            results[i] = new SignalMatch(Type, rule.Name, matched, score, new JailbreakDetail(matched ? "jailbreak" : "benign", score, turn));
        }

        return results;
    }

    private async Task<(double? Score, int Turn)> ScoreHistoryAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var messages = context.Request.Messages;
        var lastUser = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == "user")
            {
                lastUser = i;
                break;
            }
        }

        var earlier = new List<(int Index, Task<IReadOnlyDictionary<string, Inference.Models.ClassificationResult>> Result)>();
        for (var i = lastUser - 1; i >= 0 && earlier.Count < MaxHistoryTurns; i--)
        {
            if (messages[i].Role == "user" && messages[i].Text.Length > 0)
            {
                earlier.Add((messages[i].Index, PromptFeatures.Classify(context, models, messages[i].Text, cancellationToken)));
            }
        }

        double? best = null;
        var turn = -1;
        foreach (var (index, task) in earlier)
        {
            var s = Score(await task.ConfigureAwait(false));
            if (best is null || s > best)
            {
                best = s;
                turn = index;
            }
        }

        return (best, turn);
    }

    private static double Score(IReadOnlyDictionary<string, Inference.Models.ClassificationResult> heads)
    {
        foreach (var s in heads["jailbreak"].Scores)
        {
            if (s.Label == "jailbreak")
            {
                return s.Score;
            }
        }

        return 0;
    }
}

/// <summary>Explain detail: the label, the jailbreak probability and which message index scored it (-1 = the last user turn).</summary>
public sealed record JailbreakDetail(string Label, double Score, int MessageIndex);
