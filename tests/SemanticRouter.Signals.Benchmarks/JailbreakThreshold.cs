using System.Globalization;
using System.Text.Json.Nodes;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// Picks the jailbreak threshold on the validation split (the lowest that keeps ≤ 1% of validation negatives
/// flagged) and reports held-out recall and false positives at it, through the shipped ONNX model. Input lines:
/// <c>{"text", "label": 0|1, "source"}</c>, as written by the training split code (models/README.md).
/// </summary>
internal static class JailbreakThreshold
{
    private static readonly string[] BenignSources = ["xstest-safe", "everyday", "mt-bench"];

    public static async Task RunAsync(string validation, string test)
    {
        using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = Path.Combine(RepoPaths.Root, "models") });
        var val = await ScoreAsync(models, validation);
        var negatives = val.Where(v => v.Label == 0).Select(v => v.Score).OrderDescending().ToArray();
        var allowed = (int)Math.Floor(0.01 * negatives.Length);
        var threshold = Math.Round(negatives[allowed] + 1e-4, 3);
        var held = await ScoreAsync(models, test);
        Console.WriteLine($"# jailbreak threshold from validation (≤1% of {negatives.Length} validation negatives flagged): {threshold.ToString(CultureInfo.InvariantCulture)}");
        foreach (var t in new[] { threshold, 0.5, 0.7 })
        {
            var positives = held.Where(h => h.Label == 1).ToList();
            var benign = held.Where(h => BenignSources.Contains(h.Source)).ToList();
            var all = held.Where(h => h.Label == 0).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threshold {t:0.000}: held-out recall {positives.Count(p => p.Score >= t) / (double)positives.Count:0.000} ({positives.Count}), FP on XSTest-safe + everyday + MT-Bench {benign.Count(p => p.Score >= t) / (double)benign.Count:0.0000} ({benign.Count}), FP on all negatives {all.Count(p => p.Score >= t) / (double)all.Count:0.0000} ({all.Count})"));
        }
    }

    private static async Task<List<(double Score, int Label, string Source)>> ScoreAsync(LearnedModels models, string path)
    {
        var list = new List<(double, int, string)>();
        foreach (var line in File.ReadLines(path))
        {
            var node = JsonNode.Parse(line)!;
            var result = await models.PromptClassifier.ClassifyAsync(node["text"]!.GetValue<string>());
            list.Add((result["jailbreak"].Scores[1].Score, node["label"]!.GetValue<int>(), node["source"]!.GetValue<string>()));
        }

        return list;
    }
}
