using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Tests.Evaluation;

/// <summary>
/// Measures the hit-rate / false-hit trade-off of the semantic match (embedder + entity guard +
/// threshold) on <c>paraphrase_pairs_train.json</c>. Split: pair i is held out when i % 5 == 4 (160
/// of 800), the rest tune. Positives: (origin, similar). Negatives, built per origin within its split:
/// <c>unrelated</c> (five other pairs' paraphrases), <c>number</c> (first number changed),
/// <c>entity_swap</c> (first two distinct names swapped), <c>entity_substitution</c> (first name
/// replaced by a name from another pair) — the near-misses the guard targets — plus
/// <c>content_word</c> (a long lower-case word replaced), reported separately as the known limit of
/// lexical guarding. Names come from a corpus lexicon (identifiers, and words seen capitalised mid-sentence).
/// </summary>
internal static partial class ThresholdEvaluation
{
    /// <summary>Unrelated partners per origin (another pair's paraphrase each), so 1% is well resolved.</summary>
    public const int UnrelatedPerPair = 5;

    public static readonly string[] GuardedKinds = ["unrelated", "number", "entity_swap", "entity_substitution"];

    public static Dataset Load(string path)
    {
        var pairs = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(File.ReadAllText(path))!
            .Select(p => (Origin: p["origin"], Similar: p["similar"])).ToList();
        var lexicon = NameLexicon(pairs.Select(p => p.Origin).Concat(pairs.Select(p => p.Similar)));
        var embedder = new HashingTextEmbedder();
        var tune = new Split("tune");
        var held = new Split("held_out");
        for (var s = 0; s < 2; s++)
        {
            var split = s == 0 ? tune : held;
            var members = Enumerable.Range(0, pairs.Count).Where(i => (i % 5 == 4) == (s == 1)).ToList();
            for (var k = 0; k < members.Count; k++)
            {
                var i = members[k];
                var (origin, similar) = pairs[i];
                var cached = embedder.Embed(origin);
                var guard = SalientTokens.Signature(origin);
                split.Positives.Add(Score(embedder, cached, guard, similar));
                var other = pairs[members[(k + 1) % members.Count]];
                for (var r = 1; r <= UnrelatedPerPair; r++)
                {
                    var partner = pairs[members[(k + (r * 37) + (k * 7 % 11)) % members.Count]];
                    if (partner.Origin != origin)
                    {
                        split.Add("unrelated", Score(embedder, cached, guard, partner.Similar));
                    }
                }

                var numberMatch = NumberPattern().Match(origin);
                if (numberMatch.Success)
                {
                    var n = long.Parse(numberMatch.Value, System.Globalization.CultureInfo.InvariantCulture);
                    split.Add("number", Score(embedder, cached, guard, origin[..numberMatch.Index] + (n + 1) + origin[(numberMatch.Index + numberMatch.Length)..]));
                }

                var names = WordPattern().Matches(origin).Where(m => IsNameLike(m.Value) && lexicon.Contains(m.Value.Trim('`').ToLowerInvariant())).ToList();
                var distinct = names.DistinctBy(m => m.Value.ToLowerInvariant()).ToList();
                if (distinct.Count >= 2)
                {
                    var (a, b) = (distinct[0], distinct[1]);
                    var swapped = origin[..a.Index] + b.Value + origin[(a.Index + a.Length)..b.Index] + a.Value + origin[(b.Index + b.Length)..];
                    split.Add("entity_swap", Score(embedder, cached, guard, swapped));
                }

                if (distinct.Count >= 1)
                {
                    var replacement = WordPattern().Matches(other.Origin).Select(m => m.Value)
                        .FirstOrDefault(w => IsNameLike(w) && lexicon.Contains(w.Trim('`').ToLowerInvariant()) && !origin.Contains(w, StringComparison.OrdinalIgnoreCase));
                    if (replacement is not null)
                    {
                        var a = distinct[0];
                        split.Add("entity_substitution", Score(embedder, cached, guard, origin[..a.Index] + replacement + origin[(a.Index + a.Length)..]));
                    }
                }

                var content = WordPattern().Matches(origin).Where(m => m.Value.Length >= 6 && m.Value.All(char.IsLower)).MaxBy(m => m.Value.Length);
                var otherContent = WordPattern().Matches(other.Origin).Select(m => m.Value).Where(w => w.Length >= 6 && w.All(char.IsLower) && !origin.Contains(w, StringComparison.Ordinal)).MaxBy(w => w.Length);
                if (content is not null && otherContent is not null)
                {
                    split.Add("content_word", Score(embedder, cached, guard, origin[..content.Index] + otherContent + origin[(content.Index + content.Length)..]));
                }
            }
        }

        return new Dataset(tune, held);
    }

    /// <summary>
    /// The choice rule for the default: the lowest threshold on a 0.05 grid that lies above every
    /// unrelated pair of the tune split by at least 0.025 and keeps its guarded false hits at or under
    /// <paramref name="maxFalseHitRate"/>; the held-out split then reports what that choice gives.
    /// </summary>
    public static double Choose(Split split, double maxFalseHitRate)
    {
        var maxUnrelated = split.Negatives["unrelated"].Max(c => c.Similarity);
        for (var step = 1; step <= 20; step++)
        {
            var t = step * 0.05;
            if (t >= maxUnrelated + 0.025 && split.FalseHitRate(GuardedKinds, t) <= maxFalseHitRate)
            {
                return Math.Round(t, 2);
            }
        }

        return 1.0;
    }

    private static Candidate Score(HashingTextEmbedder embedder, float[] cached, string cachedGuard, string query) =>
        new(System.Numerics.Tensors.TensorPrimitives.Dot(cached, embedder.Embed(query)), SalientTokens.Signature(query) == cachedGuard);

    /// <summary>Written like a name wherever it stands: backticked, capitalised, or an identifier (digit, underscore, inner capital).</summary>
    private static bool IsNameLike(string w) =>
        w.StartsWith('`') || char.IsUpper(w[0]) || w.Any(c => char.IsDigit(c) || c == '_') || w.Skip(1).Any(char.IsUpper);

    private static HashSet<string> NameLexicon(IEnumerable<string> texts)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var token in SalientTokens.Signature(text).Split('\u001f', StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.All(c => char.IsLetterOrDigit(c) || c is '_' or '.'))
                {
                    names.Add(token);
                }
            }
        }

        return names;
    }

    [GeneratedRegex(@"\b\d+\b")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"`[^`\s]+`|\b[\p{L}_][\p{L}\p{N}_.]*[\p{L}\p{N}_]\b")]
    private static partial Regex WordPattern();

    internal readonly record struct Candidate(float Similarity, bool GuardEqual)
    {
        public bool Hit(double threshold) => GuardEqual && Similarity >= threshold;
    }

    internal sealed class Split(string name)
    {
        public string Name { get; } = name;

        public List<Candidate> Positives { get; } = [];

        public Dictionary<string, List<Candidate>> Negatives { get; } = new(StringComparer.Ordinal);

        public void Add(string kind, Candidate c)
        {
            if (!Negatives.TryGetValue(kind, out var list))
            {
                Negatives[kind] = list = [];
            }

            list.Add(c);
        }

        public double HitRate(double t) => Positives.Count(p => p.Hit(t)) / (double)Positives.Count;

        public double FalseHitRate(IEnumerable<string> kinds, double t)
        {
            var all = kinds.SelectMany(k => Negatives.GetValueOrDefault(k) ?? []).ToList();
            return all.Count == 0 ? 0 : all.Count(n => n.Hit(t)) / (double)all.Count;
        }

        public int NegativeCount(IEnumerable<string> kinds) => kinds.Sum(k => Negatives.GetValueOrDefault(k)?.Count ?? 0);
    }

    internal sealed record Dataset(Split Tune, Split HeldOut);
}
