using SemanticRouter.Core.Signals;
using SemanticRouter.Inference.Models;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>
/// Scores the last user turn (and, for include_history rules, earlier user turns: the maximum counts) with the
/// classifier, the contrastive patterns or both, depending on each rule's method. Each scanned turn is classified
/// and embedded at most once per request, however many rules use it.
/// </summary>
internal sealed class JailbreakEvaluator(JailbreakEvaluator.Compiled[] rules, LearnedModels models) : ISignalEvaluator
{
    /// <summary>Earlier user turns scanned at most (newest first), so a long conversation cannot multiply the cost without bound.</summary>
    internal const int MaxHistoryTurns = 16;

    private readonly bool _classify = rules.Any(r => r.Rule.UsesClassifier);
    private readonly bool _embed = rules.Any(r => r.Rule.UsesContrast);
    private readonly bool _history = rules.Any(r => r.Rule.IncludeHistory);

    public string Type => "jailbreak";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var turns = Turns(context);

        // Start every model pass before awaiting any, so the turns' passes overlap.
        var classified = new Task<IReadOnlyDictionary<string, ClassificationResult>>?[turns.Count];
        var embedded = new Task<float[][]>?[turns.Count];
        for (var t = 0; t < turns.Count; t++)
        {
            if (_classify)
            {
                classified[t] = PromptFeatures.Classify(context, models, turns[t].Text, cancellationToken);
            }

            if (_embed)
            {
                embedded[t] = EmbedAsync(context, turns[t].Text, t == 0, cancellationToken);
            }
        }

        var results = new SignalMatch[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var (rule, patterns) = rules[i];
            var scanned = rule.IncludeHistory ? turns.Count : 1;

            double? probability = null;
            var probabilityTurn = -1;
            if (rule.UsesClassifier)
            {
                for (var t = 0; t < scanned; t++)
                {
                    var p = Probability(await classified[t]!.ConfigureAwait(false));
                    if (probability is null || p > probability)
                    {
                        (probability, probabilityTurn) = (p, turns[t].Index);
                    }
                }
            }

            ContrastDetail? contrast = null;
            if (patterns is not null)
            {
                for (var t = 0; t < scanned; t++)
                {
                    foreach (var vector in await embedded[t]!.ConfigureAwait(false))
                    {
                        var s = await patterns.ScoreAsync(vector).ConfigureAwait(false);
                        if (contrast is null || s.Contrast > contrast.Contrast)
                        {
                            contrast = new ContrastDetail(s.Contrast, s.JailbreakSimilarity, s.BenignSimilarity, turns[t].Index);
                        }
                    }
                }
            }

            results[i] = Decide(rule, probability, probabilityTurn, contrast);
        }

        return results;
    }

    /// <summary>
    /// Match and confidence per method. A contrast maps onto 0…1 as (1 + contrast) / 2 (0.5 = equally close to both
    /// sets), as complexity maps its contrast; hybrid takes the higher confidence of the parts that matched, or of
    /// both when neither did.
    /// </summary>
    private SignalMatch Decide(JailbreakRule rule, double? probability, int probabilityTurn, ContrastDetail? contrast)
    {
        var byClassifier = probability >= rule.Threshold;
        var contrastThreshold = rule.Method == JailbreakMethod.Hybrid ? rule.ContrastiveThreshold : rule.Threshold;
        var byContrast = contrast is not null && contrast.Contrast >= contrastThreshold;
        var contrastConfidence = contrast is null ? (double?)null : Math.Clamp((1 + contrast.Contrast) / 2, 0, 1);

        var (matched, confidence) = rule.Method switch
        {
            JailbreakMethod.Classifier => (byClassifier, probability ?? 0),
            JailbreakMethod.Contrastive => (byContrast, contrastConfidence ?? 0),
            _ => (byClassifier || byContrast, Math.Max(
                byClassifier || !byContrast ? probability ?? 0 : 0,
                byContrast || !byClassifier ? contrastConfidence ?? 0 : 0)),
        };

        var method = rule.Method.ToString().ToLowerInvariant();
        var detail = new JailbreakDetail(method, matched ? "jailbreak" : "benign", probability, probabilityTurn, contrast);
        return new SignalMatch(Type, rule.Name, matched, confidence, detail);
    }

    /// <summary>
    /// The turn's embedding (the last user turn's is shared with the embedding and complexity signals) followed by
    /// those of its chunks when it is long (<see cref="PromptChunks"/>); once per text per request.
    /// </summary>
    private async Task<float[][]> EmbedAsync(SignalContext context, string text, bool lastUser, CancellationToken cancellationToken)
    {
        var whole = lastUser
            ? PromptFeatures.EmbedLastUser(context, models, cancellationToken)
            : PromptFeatures.Embed(context, models, text, cancellationToken);
        var chunks = PromptChunks.Split(text);
        if (chunks.Count == 0)
        {
            return [await whole.ConfigureAwait(false)];
        }

        var parts = await context.GetOrAddFeature("jailbreak-chunks:" + PromptFeatures.TextKey(text), async () =>
        {
            var vectors = new float[chunks.Count][];
            for (var i = 0; i < chunks.Count; i++)
            {
                vectors[i] = await models.SentenceEmbedder.EmbedAsync(chunks[i], cancellationToken).ConfigureAwait(false);
            }

            return vectors;
        }).ConfigureAwait(false);
        return [await whole.ConfigureAwait(false), .. parts];
    }

    /// <summary>The last user turn (index -1), then earlier user turns newest first when a rule scans history.</summary>
    private List<(int Index, string Text)> Turns(SignalContext context)
    {
        var turns = new List<(int Index, string Text)> { (-1, context.Request.LastUserText) };
        if (!_history)
        {
            return turns;
        }

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

        for (var i = lastUser - 1; i >= 0 && turns.Count <= MaxHistoryTurns; i--)
        {
            if (messages[i].Role == "user" && messages[i].Text.Length > 0)
            {
                turns.Add((messages[i].Index, messages[i].Text));
            }
        }

        return turns;
    }

    private static double Probability(IReadOnlyDictionary<string, ClassificationResult> heads)
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

    /// <summary>A rule with its pattern sets (null for the classifier method).</summary>
    internal sealed record Compiled(JailbreakRule Rule, ContrastivePatterns? Patterns);
}

/// <summary>
/// Explain detail: the method, the label, the classifier's jailbreak probability and the message index it came
/// from (-1 = the last user turn; null for the contrastive method), and the contrast (null for the classifier method).
/// </summary>
public sealed record JailbreakDetail(string Method, string Label, double? Score, int MessageIndex, ContrastDetail? Contrastive);

/// <summary>The highest contrast over the scanned turns, its two similarities, and the message index it came from.</summary>
public sealed record ContrastDetail(double Contrast, double JailbreakSimilarity, double BenignSimilarity, int MessageIndex);
