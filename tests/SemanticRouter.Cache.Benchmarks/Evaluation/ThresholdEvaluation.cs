using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Benchmarks.Evaluation;

/// <summary>
/// Measures the hit-rate / false-hit trade-off of the semantic match (embedder + entity guard +
/// content-word guard + threshold) on <c>paraphrase_pairs_train.json</c>. Split: pair i is held out
/// when i % 5 == 4 (160 of 800), the rest tune. Positives: (origin, similar). Negatives, built per
/// origin within its split: <c>unrelated</c> (five other pairs' paraphrases), <c>number</c> (first
/// number changed), <c>entity_swap</c> (first two distinct names swapped), <c>entity_substitution</c>
/// (first name replaced by a name from another pair), <c>content_word</c> (the longest lower-case
/// word replaced by another pair's), <c>word_swap</c> (two lower-case content words trade places) and
/// <c>negation</c> ("not" after the first auxiliary). Names come from a corpus lexicon (identifiers,
/// and words seen capitalised mid-sentence). Question-shaped near misses from MMLU-Pro are added by
/// <see cref="QuestionNearMisses"/>.
/// </summary>
internal static partial class ThresholdEvaluation
{
    /// <summary>Unrelated partners per origin (another pair's paraphrase each), so 1% is well resolved.</summary>
    public const int UnrelatedPerPair = 5;

    /// <summary>Every constructed negative counts towards the false-hit target.</summary>
    public static readonly string[] GuardedKinds =
    [
        "unrelated", "number", "entity_swap", "entity_substitution", "content_word", "word_swap", "negation",
        "q_unrelated", "q_number", "q_content_word", "q_content_word_2", "q_word_swap", "q_negation",
    ];

    /// <summary>The paraphrase pairs plus, when <paramref name="questionsPath"/> is given, MMLU-Pro question near misses.</summary>
    /// <param name="embed">The embedder under evaluation (L2-normalised vectors); each distinct text is embedded once.</param>
    public static Dataset Load(string path, string? questionsPath, Func<string, float[]> embed)
    {
        var memo = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var uncached = embed;
        embed = text =>
        {
            if (!memo.TryGetValue(text, out var vector))
            {
                memo[text] = vector = uncached(text);
            }

            return vector;
        };
        var pairs = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(File.ReadAllText(path))!
            .Select(p => (Origin: p["origin"], Similar: p["similar"])).ToList();
        var lexicon = NameLexicon(pairs.Select(p => p.Origin).Concat(pairs.Select(p => p.Similar)));
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
                var cached = CachedQuestion.Of(embed, origin);
                split.Positives.Add(Score(embed, cached, similar));
                var other = pairs[members[(k + 1) % members.Count]];
                for (var r = 1; r <= UnrelatedPerPair; r++)
                {
                    var partner = pairs[members[(k + (r * 37) + (k * 7 % 11)) % members.Count]];
                    if (partner.Origin != origin)
                    {
                        split.Add("unrelated", Score(embed, cached, partner.Similar));
                    }
                }

                var numberMatch = NumberPattern().Match(origin);
                if (numberMatch.Success)
                {
                    var n = long.Parse(numberMatch.Value, System.Globalization.CultureInfo.InvariantCulture);
                    split.Add("number", Score(embed, cached, origin[..numberMatch.Index] + (n + 1) + origin[(numberMatch.Index + numberMatch.Length)..]));
                }

                var names = WordPattern().Matches(origin).Where(m => IsNameLike(m.Value) && lexicon.Contains(m.Value.Trim('`').ToLowerInvariant())).ToList();
                var distinct = names.DistinctBy(m => m.Value.ToLowerInvariant()).ToList();
                if (distinct.Count >= 2)
                {
                    var (a, b) = (distinct[0], distinct[1]);
                    var swapped = origin[..a.Index] + b.Value + origin[(a.Index + a.Length)..b.Index] + a.Value + origin[(b.Index + b.Length)..];
                    split.Add("entity_swap", Score(embed, cached, swapped));
                }

                if (distinct.Count >= 1)
                {
                    var replacement = WordPattern().Matches(other.Origin).Select(m => m.Value)
                        .FirstOrDefault(w => IsNameLike(w) && lexicon.Contains(w.Trim('`').ToLowerInvariant()) && !origin.Contains(w, StringComparison.OrdinalIgnoreCase));
                    if (replacement is not null)
                    {
                        var a = distinct[0];
                        split.Add("entity_substitution", Score(embed, cached, origin[..a.Index] + replacement + origin[(a.Index + a.Length)..]));
                    }
                }

                var content = WordPattern().Matches(origin).Where(m => m.Value.Length >= 6 && m.Value.All(char.IsLower)).MaxBy(m => m.Value.Length);
                var otherContent = WordPattern().Matches(other.Origin).Select(m => m.Value).Where(w => w.Length >= 6 && w.All(char.IsLower) && !origin.Contains(w, StringComparison.Ordinal)).MaxBy(w => w.Length);
                if (content is not null && otherContent is not null)
                {
                    split.Add("content_word", Score(embed, cached, origin[..content.Index] + otherContent + origin[(content.Index + content.Length)..]));
                }

                AddShapeNearMisses(split, embed, cached, prefix: string.Empty);
            }
        }

        if (questionsPath is not null)
        {
            QuestionNearMisses.Add(questionsPath, embed, tune, held);
        }

        return new Dataset(tune, held);
    }

    /// <summary><c>word_swap</c> and <c>negation</c> variants of <paramref name="origin"/>, when it has the words for them.</summary>
    internal static void AddShapeNearMisses(Split split, Func<string, float[]> embed, CachedQuestion cached, string prefix)
    {
        var origin = cached.Text;
        var words = WordPattern().Matches(origin).Where(m => m.Value.Length >= 4 && m.Value.All(char.IsLower) && NearMissGuard.Stem(m.Value) is not null).ToList();
        var a = words.FirstOrDefault();
        var b = words.Skip(1).FirstOrDefault(m => a is not null && NearMissGuard.Stem(m.Value) != NearMissGuard.Stem(a.Value));
        if (a is not null && b is not null)
        {
            var swapped = origin[..a.Index] + b.Value + origin[(a.Index + a.Length)..b.Index] + a.Value + origin[(b.Index + b.Length)..];
            split.Add(prefix + "word_swap", Score(embed, cached, swapped));
        }

        var auxiliary = AuxiliaryPattern().Match(origin);
        if (auxiliary.Success)
        {
            var end = auxiliary.Index + auxiliary.Length;
            split.Add(prefix + "negation", Score(embed, cached, origin[..end] + " not" + origin[end..]));
        }
    }

    /// <summary>
    /// The choice rule for the default: the lowest threshold on a 0.05 grid that lies at least 0.025 above the
    /// <paramref name="unrelatedQuantile"/> of the tune split's unrelated pairs (1 = every one) and keeps its guarded
    /// false hits at or under <paramref name="maxFalseHitRate"/>; the held-out split then reports what that choice gives.
    /// A sentence embedder uses the 99.9th percentile, not the maximum: the documentation-QA pairs hold a few
    /// near-duplicate answers under different questions (it scores them 0.8-0.9, as a reader would), and one such pair
    /// must not decide the default (docs/caching.md).
    /// </summary>
    public static double Choose(Split split, double maxFalseHitRate, double unrelatedQuantile)
    {
        var unrelated = split.Negatives["unrelated"].Select(c => c.Similarity).Order().ToList();
        var p999 = unrelated[(int)Math.Floor(unrelatedQuantile * (unrelated.Count - 1))];
        for (var step = 1; step <= 20; step++)
        {
            var t = step * 0.05;
            if (t >= p999 + 0.025 && split.FalseHitRate(GuardedKinds, t) <= maxFalseHitRate)
            {
                return Math.Round(t, 2);
            }
        }

        return 1.0;
    }

    internal static Candidate Score(Func<string, float[]> embed, CachedQuestion cached, string query) =>
        new(
            System.Numerics.Tensors.TensorPrimitives.Dot(cached.Vector, embed(query)),
            SalientTokens.Signature(query) == cached.Guard,
            NearMissGuard.Compare(cached.Terms, NearMissGuard.Terms(query)),
            cached.Text,
            query);

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

    [GeneratedRegex(@"\b(is|are|was|were|does|do|did|can|should|will|would|could|has|have)\b")]
    private static partial Regex AuxiliaryPattern();

    /// <summary>What the cache keeps about a cached question: its text (to build variants), vector, entity signature and content terms.</summary>
    internal sealed record CachedQuestion(string Text, float[] Vector, string Guard, string Terms)
    {
        public static CachedQuestion Of(Func<string, float[]> embed, string text) =>
            new(text, embed(text), SalientTokens.Signature(text), NearMissGuard.Terms(text));
    }

    /// <summary>One scored pair: a hit needs the similarity, equal entity signatures and (with the content guard, the default) compatible content terms.</summary>
    internal readonly record struct Candidate(float Similarity, bool GuardEqual, TermDifference Terms, string Cached, string Query)
    {
        /// <summary>The substitution bound the evaluation applies; the guard's own by default.</summary>
        public static int MaxSubstitution { get; set; } = int.MaxValue;

        public bool ContentAllowed => Terms.OnlyCached > 0 && Terms.OnlyQuery > 0
            ? Math.Max(Terms.OnlyCached, Terms.OnlyQuery) > MaxSubstitution
            : !Terms.Transposed;

        public bool Hit(double threshold, bool contentGuard = true) => GuardEqual && (ContentAllowed || !contentGuard) && Similarity >= threshold;
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

        /// <summary>Positives that come from rewording a question without changing its content words (MMLU-Pro), reported apart from the paraphrase pairs.</summary>
        public List<Candidate> Rewordings { get; } = [];

        public double HitRate(double t, bool contentGuard = true) => Positives.Count(p => p.Hit(t, contentGuard)) / (double)Positives.Count;

        public double RewordingHitRate(double t, bool contentGuard = true) =>
            Rewordings.Count == 0 ? 0 : Rewordings.Count(p => p.Hit(t, contentGuard)) / (double)Rewordings.Count;

        public double FalseHitRate(IEnumerable<string> kinds, double t, bool contentGuard = true)
        {
            var all = kinds.SelectMany(k => Negatives.GetValueOrDefault(k) ?? []).ToList();
            return all.Count == 0 ? 0 : all.Count(n => n.Hit(t, contentGuard)) / (double)all.Count;
        }

        public int NegativeCount(IEnumerable<string> kinds) => kinds.Sum(k => Negatives.GetValueOrDefault(k)?.Count ?? 0);
    }

    internal sealed record Dataset(Split Tune, Split HeldOut);
}
