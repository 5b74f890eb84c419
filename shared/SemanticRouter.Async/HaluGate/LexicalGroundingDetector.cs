namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// The default span detector (no pretrained weights needed): every quantity, date, named entity
/// and key phrase of the answer must be grounded in the context or the question. A claim that is
/// not becomes a span; when the context states a comparable value in a similar place (shared
/// neighbouring words, same unit), that value is recorded as the counterpart, which makes the
/// span a contradiction rather than merely unsupported.
/// </summary>
internal sealed class LexicalGroundingDetector(bool checkPhrases = true) : ISpanDetector
{
    public const string DetectorName = "lexical-grounding-v1";
    private const int WindowRadius = 6;

    public string Name => DetectorName;

    public ValueTask<DetectorOutput> DetectAsync(string context, string question, string answer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Detect(context, question, answer));

    public DetectorOutput Detect(string context, string question, string answer)
    {
        var grounding = new GroundingIndex(context, question);
        var text = ClaimExtractor.StripCode(answer);
        var answerWords = ClaimExtractor.Words(text).ToList();
        var spans = new List<DetectedSpan>();
        var checkedClaims = 0;

        var numbers = ClaimExtractor.Numbers(text);
        foreach (var claim in numbers)
        {
            checkedClaims++;
            if (NumberSupported(claim, grounding))
            {
                continue;
            }

            var window = GroundingIndex.WindowOf(answerWords, claim.Start, WindowRadius);
            var counterpart = BestNumberCounterpart(claim, window, grounding);
            spans.Add(counterpart is null
                ? new DetectedSpan(claim.Start, claim.End, claim.Text, claim.Kind, 0.75)
                : new DetectedSpan(claim.Start, claim.End, claim.Text, claim.Kind, 0.9, counterpart.Text, Evidence(grounding, counterpart.Start, counterpart.End)));
        }

        var entities = ClaimExtractor.Entities(text, w => grounding.Lowercase.Contains(w) || text.Contains(" " + w + " ", StringComparison.Ordinal));
        foreach (var claim in entities)
        {
            checkedClaims++;
            if (Overlaps(claim, numbers) || EntitySupported(claim, grounding))
            {
                continue;
            }

            var window = GroundingIndex.WindowOf(answerWords, claim.Start, WindowRadius);
            var counterpart = BestEntityCounterpart(claim, window, grounding, entities);
            spans.Add(counterpart is null
                ? new DetectedSpan(claim.Start, claim.End, claim.Text, claim.Kind, 0.7)
                : new DetectedSpan(claim.Start, claim.End, claim.Text, claim.Kind, 0.8, counterpart.Text, Evidence(grounding, counterpart.Start, counterpart.End)));
        }

        if (checkPhrases)
        {
            // Key phrases are checked but do not make an answer "factual" on their own (stage 1 counts quantities, dates and names).
            foreach (var claim in ClaimExtractor.Phrases(text))
            {
                if (Overlaps(claim, spans) || PhraseSupported(claim, grounding))
                {
                    continue;
                }

                spans.Add(new DetectedSpan(claim.Start, claim.End, claim.Text, claim.Kind, 0.6));
            }
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new DetectorOutput(spans, checkedClaims);
    }

    private static bool NumberSupported(Claim claim, GroundingIndex grounding)
    {
        foreach (var n in grounding.Numbers)
        {
            if (UnitsCompatible(claim.Unit, n.Unit) && Math.Abs(claim.Value - n.Value) <= (claim.Precision / 2) + (1e-9 * Math.Abs(claim.Value)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool UnitsCompatible(string? a, string? b) =>
        a is null || b is null || a == b || a == "year" || b == "year";

    private static Claim? BestNumberCounterpart(Claim claim, HashSet<string> window, GroundingIndex grounding)
    {
        Claim? best = null;
        var bestScore = 0.0;
        foreach (var n in grounding.Numbers)
        {
            if (n.Start >= grounding.Context.Length || (claim.Kind == "date") != (n.Kind == "date"))
            {
                continue;
            }

            var overlap = grounding.Window(n.Start, WindowRadius).Count(window.Contains);
            var unitMatch = claim.Unit is not null && claim.Unit == n.Unit;
            if (claim.Unit is not null && n.Unit is not null && claim.Unit != n.Unit && overlap == 0)
            {
                continue;
            }

            var score = overlap + (unitMatch ? 1.5 : 0);
            if (score > bestScore)
            {
                best = n;
                bestScore = score;
            }
        }

        return bestScore >= 1 ? best : null;
    }

    private static bool EntitySupported(Claim claim, GroundingIndex grounding)
    {
        var phrase = claim.Normalized!;
        if (grounding.ContainsPhrase(phrase))
        {
            return true;
        }

        var tokens = phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => t.Length >= 2 && t is not ("of" or "the" or "and" or "de" or "la" or "von" or "van" or "der")).ToList();
        if (tokens.Count == 0)
        {
            return true;
        }

        var present = tokens.Count(grounding.WordSet.Contains);
        return tokens.Count > 1 ? grounding.WordSet.Contains(tokens[^1]) && present * 2 >= tokens.Count : present == 1;
    }

    private static Claim? BestEntityCounterpart(Claim claim, HashSet<string> window, GroundingIndex grounding, List<Claim> answerEntities)
    {
        Claim? best = null;
        var bestScore = 0;
        foreach (var e in grounding.Entities)
        {
            if (e.Start >= grounding.Context.Length || e.Kind != claim.Kind || answerEntities.Any(a => a.Normalized == e.Normalized))
            {
                continue;
            }

            var overlap = grounding.Window(e.Start, WindowRadius).Count(window.Contains);
            if (overlap > bestScore)
            {
                best = e;
                bestScore = overlap;
            }
        }

        return bestScore >= 2 ? best : null;
    }

    private static bool PhraseSupported(Claim claim, GroundingIndex grounding)
    {
        foreach (var word in claim.Normalized!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (grounding.Stems.Contains(ClaimExtractor.Stem(word)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Overlaps(Claim claim, List<Claim> others) => others.Any(o => o.Start < claim.End && claim.Start < o.End);

    private static bool Overlaps(Claim claim, List<DetectedSpan> spans) => spans.Any(o => o.Start < claim.End && claim.Start < o.End);

    private static string Evidence(GroundingIndex grounding, int start, int end)
    {
        var context = grounding.Context;
        var from = Math.Max(0, start - 60);
        var to = Math.Min(context.Length, end + 60);
        var snippet = context[from..to].Replace('\n', ' ').Trim();
        return (from > 0 ? "…" : string.Empty) + snippet + (to < context.Length ? "…" : string.Empty);
    }
}
