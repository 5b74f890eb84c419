using SemanticRouter.Cache.Plugin;
using SemanticRouter.Cache.Tests.Evaluation;
using SemanticRouter.Testing;
using Xunit.Abstractions;

namespace SemanticRouter.Cache.Tests;

/// <summary>The default threshold keeps false hits at or under 1% on held-out pairs and still hits most paraphrases.</summary>
public sealed class ThresholdEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Default_threshold_gives_at_most_one_percent_false_hits_on_held_out_pairs()
    {
        var data = ThresholdEvaluation.Load(Path.Combine(RepoPaths.SharedData, "cache", "paraphrase_pairs_train.json"));
        var t = ResponseCacheGlobalSettings.DefaultSimilarityThreshold;
        var held = data.HeldOut;
        foreach (var (kind, list) in held.Negatives)
        {
            output.WriteLine($"{kind}: {list.Count} negatives, false-hit rate {held.FalseHitRate([kind], t):P2}");
        }

        for (var sweep = 0.40; sweep <= 0.901; sweep += 0.05)
        {
            output.WriteLine($"t={sweep:0.00} tune hit {data.Tune.HitRate(sweep):P1} false {data.Tune.FalseHitRate(ThresholdEvaluation.GuardedKinds, sweep):P2} | held hit {held.HitRate(sweep):P1} false {held.FalseHitRate(ThresholdEvaluation.GuardedKinds, sweep):P2}");
        }

        output.WriteLine($"chosen on tune (<=0.5%): {ThresholdEvaluation.Choose(data.Tune, 0.005)}");
        output.WriteLine($"hit rate {held.HitRate(t):P2} on {held.Positives.Count} held-out pairs at threshold {t}");
        Assert.True(held.NegativeCount(ThresholdEvaluation.GuardedKinds) >= 300, "too few constructed negatives to measure 1%");
        Assert.True(held.FalseHitRate(ThresholdEvaluation.GuardedKinds, t) <= 0.01);
        Assert.True(held.HitRate(t) >= 0.4, "the cache should still answer a good share of paraphrases");
        Assert.Equal(t, ThresholdEvaluation.Choose(data.Tune, 0.005));
    }
}
