using SemanticRouter.Cache.Benchmarks.Evaluation;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Inference.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Benchmarks;

/// <summary>
/// Prints the hit-rate / false-hit table behind the default threshold and the near-miss guards (docs/caching.md), then
/// checks the claims docs/caching.md makes of it; the failed ones are returned (the `threshold` mode exits 1 on any).
/// </summary>
internal static class ThresholdReport
{
    /// <param name="embedderName">The <c>embedding_model</c> under evaluation: the built-in hashing embedder or a model folder under models/.</param>
    public static List<string> Run(string embedderName)
    {
        using var model = embedderName == HashingTextEmbedder.Name ? null : ModelLoader.LoadSentenceEmbedder(Path.Combine(RepoPaths.Root, "models", embedderName));
        Func<string, float[]> embed = model is null ? new HashingTextEmbedder().Embed : model.Embed;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var data = ThresholdEvaluation.Load(
            Path.Combine(RepoPaths.SharedData, "cache", "paraphrase_pairs_train.json"),
            Path.Combine(RepoPaths.SharedData, "domain", "mmlu_pro_train.jsonl"),
            embed);
        var quantile = UnrelatedQuantile(embedderName);
        var chosen = ThresholdEvaluation.Choose(data.Tune, 0.005, quantile);
        var defaultThreshold = ResponseCacheGlobalSettings.DefaultThresholdFor(embedderName);
        Console.WriteLine($"# threshold evaluation ({embedderName}, entity guard on, embedded in {started.Elapsed.TotalSeconds:0} s); chosen on tune split at <=0.5% false hits, {quantile:P1} of unrelated pairs below: {chosen}; default {defaultThreshold}");
        foreach (var c in data.Tune.Negatives["unrelated"].OrderByDescending(c => c.Similarity).Take(8))
        {
            Console.WriteLine($"# highest tune unrelated: {c.Similarity:0.000} guard {(c.Hit(0) ? "hit" : "miss")} \"{Short(c.Cached)}\" vs \"{Short(c.Query)}\"");
        }

        var kinds = data.HeldOut.Negatives.Keys.Order(StringComparer.Ordinal).ToList();
        Console.WriteLine("| threshold | split | content guard | paraphrase hit rate | rewording hit rate | false hits (all near misses) | " + string.Join(" | ", kinds) + " |");
        Console.WriteLine("|---|---|---|---|---|---|" + string.Concat(kinds.Select(_ => "---|")));
        for (var t = 0.40; t <= 0.951; t += 0.05)
        {
            foreach (var split in new[] { data.Tune, data.HeldOut })
            {
                foreach (var guard in new[] { true, false })
                {
                    var perKind = kinds.Select(k => split.FalseHitRate([k], t, guard).ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
                    Console.WriteLine($"| {t:0.00} | {split.Name} | {(guard ? "on" : "off")} | {split.HitRate(t, guard):P1} | {split.RewordingHitRate(t, guard):P1} | {split.FalseHitRate(ThresholdEvaluation.GuardedKinds, t, guard):P2} | {string.Join(" | ", perKind)} |");
                }
            }
        }

        Console.WriteLine("# content guard: substitution bound at the default threshold (refuse when both sides differ and the larger side differs in at most k terms)");
        Console.WriteLine("| k | split | paraphrase hit rate | rewording hit rate | false hits (all near misses) | content_word | q_content_word | q_content_word_2 | word_swap | q_word_swap |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var dt = defaultThreshold;
        foreach (var k in new[] { 1, 2, 3, 4, 6, int.MaxValue })
        {
            ThresholdEvaluation.Candidate.MaxSubstitution = k;
            foreach (var split in new[] { data.Tune, data.HeldOut })
            {
                Console.WriteLine($"| {(k == int.MaxValue ? "any" : k)} | {split.Name} | {split.HitRate(dt):P1} | {split.RewordingHitRate(dt):P1} | {split.FalseHitRate(ThresholdEvaluation.GuardedKinds, dt):P2} | {split.FalseHitRate(["content_word"], dt):P1} | {split.FalseHitRate(["q_content_word"], dt):P1} | {split.FalseHitRate(["q_content_word_2"], dt):P1} | {split.FalseHitRate(["word_swap"], dt):P1} | {split.FalseHitRate(["q_word_swap"], dt):P1} |");
            }
        }

        ThresholdEvaluation.Candidate.MaxSubstitution = int.MaxValue;

        // A stricter variant: refuse any content-word difference, additions and drops included.
        foreach (var split in new[] { data.Tune, data.HeldOut })
        {
            bool Strict(ThresholdEvaluation.Candidate c) => c.Hit(dt) && c.Terms.OnlyCached == 0 && c.Terms.OnlyQuery == 0;
            var negatives = ThresholdEvaluation.GuardedKinds.SelectMany(k => split.Negatives.GetValueOrDefault(k) ?? []).ToList();
            var added = split.Negatives.GetValueOrDefault("q_added_word") ?? [];
            Console.WriteLine($"strict ({split.Name}): paraphrase hit rate {split.Positives.Count(Strict) / (double)split.Positives.Count:P1}, rewording {split.Rewordings.Count(Strict) / (double)split.Rewordings.Count:P1}, false hits {negatives.Count(Strict) / (double)negatives.Count:P2}, q_added_word {added.Count(Strict) / (double)Math.Max(1, added.Count):P1} (default rule: q_added_word {split.FalseHitRate(["q_added_word"], dt):P1})");
        }
        foreach (var (kind, list) in data.HeldOut.Negatives.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"held-out {kind}: {list.Count} negatives");
        }

        Console.WriteLine($"held-out positives: {data.HeldOut.Positives.Count} paraphrase pairs, {data.HeldOut.Rewordings.Count} rewordings");
        return Check(data, defaultThreshold, quantile);
    }

    /// <summary>The choice rule's margin reference: every unrelated pair for the hashing stand-in, the 99.9th percentile for a sentence embedder.</summary>
    private static double UnrelatedQuantile(string embedderName) => embedderName == HashingTextEmbedder.Name ? 1.0 : 0.999;

    private static string Short(string text) => text.Length <= 90 ? text : text[..90] + "…";

    /// <summary>False hits at most 1 % overall and 5 % per kind on held-out near misses, the content guard is what meets it, and the choice rule still yields the default.</summary>
    private static List<string> Check(ThresholdEvaluation.Dataset data, double t, double quantile)
    {
        var held = data.HeldOut;
        var failed = new List<string>();
        void Require(bool ok, string claim)
        {
            if (!ok)
            {
                failed.Add(claim);
            }
        }

        Require(held.NegativeCount(ThresholdEvaluation.GuardedKinds) >= 3000, "at least 3000 constructed negatives (to resolve 1 %)");
        Require(held.FalseHitRate(ThresholdEvaluation.GuardedKinds, t) <= 0.01, "false hits <= 1 % on held-out near misses");
        foreach (var kind in ThresholdEvaluation.GuardedKinds)
        {
            Require(held.FalseHitRate([kind], t) <= 0.05, $"{kind}: false hits <= 5 %");
        }

        // Without the content guard, one-word substitutions would hit: the guard is what meets the target.
        Require(held.FalseHitRate(["q_content_word"], t, contentGuard: false) > 0.5, "without the content guard, one-word substitutions hit (> 50 %)");
        Require(held.RewordingHitRate(t) >= 0.95, "rewordings that keep the content words hit (>= 95 %)");
        Require(held.HitRate(t) >= 0.1, "free paraphrases still hit sometimes (>= 10 %)");
        Require(ThresholdEvaluation.Choose(data.Tune, 0.005, quantile) == t, "the choice rule on the tune split yields the default threshold");
        Console.WriteLine(failed.Count == 0 ? "check: every claim holds" : "check FAILED: " + string.Join("; ", failed));
        return failed;
    }
}
