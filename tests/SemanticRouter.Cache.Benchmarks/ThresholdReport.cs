using SemanticRouter.Cache.Plugin;
using SemanticRouter.Cache.Tests.Evaluation;
using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Benchmarks;

/// <summary>Prints the hit-rate / false-hit table behind the default threshold (docs/caching.md).</summary>
internal static class ThresholdReport
{
    public static void Run()
    {
        var data = ThresholdEvaluation.Load(Path.Combine(RepoPaths.SharedData, "cache", "paraphrase_pairs_train.json"));
        var chosen = ThresholdEvaluation.Choose(data.Tune, 0.005);
        Console.WriteLine($"# threshold evaluation (hashing embedder, entity guard on); chosen on tune split at <=0.5% false hits: {chosen}; default {ResponseCacheGlobalSettings.DefaultSimilarityThreshold}");
        var kinds = data.HeldOut.Negatives.Keys.Order(StringComparer.Ordinal).ToList();
        Console.WriteLine("| threshold | split | hit rate | false hits (guarded negatives) | " + string.Join(" | ", kinds) + " |");
        Console.WriteLine("|---|---|---|---|" + string.Concat(kinds.Select(_ => "---|")));
        for (var t = 0.40; t <= 0.951; t += 0.05)
        {
            foreach (var split in new[] { data.Tune, data.HeldOut })
            {
                var perKind = kinds.Select(k => split.FalseHitRate([k], t).ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
                Console.WriteLine($"| {t:0.00} | {split.Name} | {split.HitRate(t):P1} | {split.FalseHitRate(ThresholdEvaluation.GuardedKinds, t):P2} | {string.Join(" | ", perKind)} |");
            }
        }

        foreach (var (kind, list) in data.HeldOut.Negatives.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"held-out {kind}: {list.Count} negatives");
        }

        Console.WriteLine($"held-out positives: {data.HeldOut.Positives.Count}");
    }
}
