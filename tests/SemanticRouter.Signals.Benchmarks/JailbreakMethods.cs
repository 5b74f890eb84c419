using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;
using SemanticRouter.Signals.Jailbreak;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// The three jailbreak methods through the real signal evaluator and the shipped models: picks each method's
/// thresholds on the validation split (≤ 1% of validation negatives flagged; for hybrid, the pair with the best
/// validation recall under that budget) and reports held-out recall and false positives at the chosen and at the
/// shipped default thresholds. Input lines: <c>{"text", "label": 0|1, "source"}</c> (models/training/export_splits.py).
/// </summary>
internal static class JailbreakMethods
{
    private const double FalsePositiveBudget = 0.01;

    private static readonly string[] BenignSources = ["xstest-safe", "everyday", "mt-bench"];

    public static async Task RunAsync(string validation, string test)
    {
        using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = Path.Combine(RepoPaths.Root, "models") });
        // One hybrid rule with the built-in patterns yields both scores per prompt in its explain detail.
        var rule = new JailbreakRule("jb", JailbreakMethod.Hybrid, 1, false, 1, JailbreakPatterns.DefaultJailbreak, JailbreakPatterns.DefaultBenign);
        var evaluator = new JailbreakSignalKind(() => models).CreateEvaluator([rule]);
        var val = await ScoreAsync(evaluator, validation);
        var held = await ScoreAsync(evaluator, test);

        var negatives = val.Where(v => v.Label == 0).ToArray();
        var classifier = Pick(negatives.Select(v => v.Probability));
        var contrastive = Pick(negatives.Select(v => v.Contrast));
        var (hybridClassifier, hybridContrast) = PickHybrid(val);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# validation: {val.Count(v => v.Label == 1)} positives, {negatives.Length} negatives; budget {FalsePositiveBudget:P0} of negatives flagged"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# chosen on validation: classifier {classifier:0.000}; contrastive {contrastive:0.000}; hybrid classifier {hybridClassifier:0.000} + contrast {hybridContrast:0.000}"));

        Report("classifier (validation-chosen)", held, s => s.Probability >= classifier);
        Report("contrastive (validation-chosen)", held, s => s.Contrast >= contrastive);
        Report("hybrid (validation-chosen)", held, s => s.Probability >= hybridClassifier || s.Contrast >= hybridContrast);
        Report($"classifier default {JailbreakSignalKind.DefaultThreshold}", held, s => s.Probability >= JailbreakSignalKind.DefaultThreshold);
        Report($"contrastive default {JailbreakSignalKind.DefaultContrastiveThreshold}", held, s => s.Contrast >= JailbreakSignalKind.DefaultContrastiveThreshold);
        Report($"hybrid default {JailbreakSignalKind.DefaultHybridThreshold} / {JailbreakSignalKind.DefaultHybridContrastiveThreshold}", held, s => s.Probability >= JailbreakSignalKind.DefaultHybridThreshold || s.Contrast >= JailbreakSignalKind.DefaultHybridContrastiveThreshold);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# held-out ROC-AUC (positives vs XSTest-safe + everyday + MT-Bench): classifier {Auc(held, s => s.Probability):0.0000}, contrastive {Auc(held, s => s.Contrast):0.0000}"));
    }

    /// <summary>The lowest threshold (3 decimals) that flags at most the budget of <paramref name="negatives"/>.</summary>
    private static double Pick(IEnumerable<double> negatives)
    {
        var sorted = negatives.OrderDescending().ToArray();
        var allowed = (int)Math.Floor(FalsePositiveBudget * sorted.Length);
        return Math.Ceiling((sorted[allowed] + 1e-6) * 1000) / 1000;
    }

    private static (double Classifier, double Contrast) PickHybrid(List<Scored> val)
    {
        var positives = val.Where(v => v.Label == 1).ToArray();
        var negatives = val.Where(v => v.Label == 0).ToArray();
        var budget = (int)Math.Floor(FalsePositiveBudget * negatives.Length);
        (double, double) best = (1, 1);
        var bestRecall = -1;
        var bestFlagged = int.MaxValue;
        for (var c = 0.05; c <= 0.951; c += 0.01)
        {
            for (var k = -0.30; k <= 0.601; k += 0.01)
            {
                var flagged = negatives.Count(n => n.Probability >= c || n.Contrast >= k);
                if (flagged > budget)
                {
                    continue;
                }

                var recall = positives.Count(p => p.Probability >= c || p.Contrast >= k);
                if (recall > bestRecall || (recall == bestRecall && flagged < bestFlagged))
                {
                    (best, bestRecall, bestFlagged) = ((Math.Round(c, 2), Math.Round(k, 2)), recall, flagged);
                }
            }
        }

        return best;
    }

    private static void Report(string label, List<Scored> held, Func<Scored, bool> flags)
    {
        var positives = held.Where(h => h.Label == 1).ToList();
        var benign = held.Where(h => BenignSources.Contains(h.Source)).ToList();
        var all = held.Where(h => h.Label == 0).ToList();
        var xstest = held.Where(h => h.Source == "xstest-safe").ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: held-out recall {positives.Count(flags) / (double)positives.Count:0.000} ({positives.Count}), FP on XSTest-safe + everyday + MT-Bench {benign.Count(flags) / (double)benign.Count:0.0000} ({benign.Count}), FP on all negatives {all.Count(flags) / (double)all.Count:0.0000} ({all.Count}), XSTest safe flagged {xstest.Count(flags)}/{xstest.Count}"));
    }

    private static double Auc(List<Scored> held, Func<Scored, double> score)
    {
        var positives = held.Where(h => h.Label == 1).Select(score).ToArray();
        var negatives = held.Where(h => BenignSources.Contains(h.Source)).Select(score).ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / (positives.Length * (double)negatives.Length);
    }

    private static async Task<List<Scored>> ScoreAsync(ISignalEvaluator evaluator, string path)
    {
        var list = new List<Scored>();
        var headers = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path))
        {
            var node = JsonNode.Parse(line)!;
            var body = Encoding.UTF8.GetBytes($$"""{"model":"MoM","messages":[{"role":"user","content":{{JsonSerializer.Serialize(node["text"]!.GetValue<string>())}}}]}""");
            var context = new SignalContext(ChatRequest.Parse(body, 1000), headers);
            var detail = (JailbreakDetail)(await evaluator.EvaluateAsync(context, CancellationToken.None))[0].Detail!;
            list.Add(new Scored(detail.Score!.Value, detail.Contrastive!.Contrast, node["label"]!.GetValue<int>(), node["source"]!.GetValue<string>()));
        }

        return list;
    }

    private sealed record Scored(double Probability, double Contrast, int Label, string Source);
}
