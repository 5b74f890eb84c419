using SemanticRouter.Inference.Models;

namespace SemanticRouter.Signals.Pii;

/// <summary>
/// Finds PII in a text: checksum/range-validated recognizers for structured types plus the token classifier for
/// PERSON / LOCATION / ORGANIZATION / STREET_ADDRESS. Overlaps resolve to the validated recognizer (a name inside
/// an e-mail address is part of the address), then to the longer span.
/// </summary>
public sealed class PiiDetector(TokenClassifier? model)
{
    /// <summary>Longest text scanned; longer prompts are scanned in windows of this size.</summary>
    internal const int WindowChars = 4000;

    public async Task<IReadOnlyList<PiiEntity>> DetectAsync(string text, double modelThreshold, CancellationToken cancellationToken)
    {
        var found = new List<PiiEntity>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        foreach (var recognizer in PiiRecognizers.All)
        {
            recognizer.Recognize(text, found);
        }

        if (model is not null)
        {
            for (var offset = 0; offset < text.Length; offset += WindowChars)
            {
                var window = text.Substring(offset, Math.Min(WindowChars, text.Length - offset));
                var spans = await model.ExtractAsync(window, cancellationToken).ConfigureAwait(false);
                foreach (var s in spans)
                {
                    if (s.Score >= modelThreshold && PiiTypes.Canonical(s.Label) is { } type && s.End > s.Start)
                    {
                        found.Add(new PiiEntity(type, offset + s.Start, offset + s.End, s.Score, "model"));
                    }
                }
            }
        }

        return Resolve(found);
    }

    /// <summary>Drops overlapping spans: recognizers (in priority order) before the model, then higher score, then longer.</summary>
    internal static IReadOnlyList<PiiEntity> Resolve(List<PiiEntity> found)
    {
        var ranked = found
            .OrderBy(Rank)
            .ThenByDescending(e => e.Score)
            .ThenByDescending(e => e.Length)
            .ThenBy(e => e.Start)
            .ToList();
        var kept = new List<PiiEntity>();
        foreach (var e in ranked)
        {
            if (!kept.Any(k => k.Start < e.End && e.Start < k.End))
            {
                kept.Add(e);
            }
        }

        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    private static int Rank(PiiEntity e)
    {
        if (e.Source == "model")
        {
            return int.MaxValue;
        }

        for (var i = 0; i < PiiRecognizers.All.Count; i++)
        {
            if (PiiRecognizers.All[i].Type == e.Type)
            {
                return i;
            }
        }

        return int.MaxValue - 1;
    }
}
