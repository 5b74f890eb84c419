using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SemanticRouter.Inference.Benchmarks;
using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;
using SemanticRouter.Testing;

// Usage: dotnet run -c Release --project tests/SemanticRouter.Inference.Benchmarks -- [--tokenizer DIR] [--model DIR]
//        [--threads N] [--spinning] [--per-session-threads] [--quick]
// Prints a Markdown report: our tokenizer and model latency as ratios against transformers.js, same inputs, same run.
var options = Args.Parse(args);
var threads = options.Threads ?? Environment.ProcessorCount;
OrtRuntime.Configure(new OrtRuntimeOptions { IntraOpThreads = threads, AllowSpinning = options.Spinning, PerSessionThreads = options.PerSessionThreads });

var texts = Prompts.Load(options.Quick ? 500 : 2000);
var tokenizer = TokenizerLoader.Load(options.Tokenizer);
using var classifier = ModelLoader.LoadSequenceClassifier(options.Model, new ModelOptions { Overflow = OverflowBehavior.Truncate });

var random = new Random(42);
var vocabularySize = ((WordPieceTokenizer)classifier.Tokenizer).VocabularySize;
var cls = classifier.Tokenizer.Encode(string.Empty).Ids;
var cases = new List<LatencyCase>();
foreach (var batch in new[] { 1, 16 })
{
    foreach (var length in new[] { 16, 64, 256 })
    {
        var ids = Enumerable.Range(0, batch).Select(_ =>
        {
            var row = Enumerable.Range(0, length).Select(_ => random.Next(5, vocabularySize)).ToArray();
            row[0] = cls[0];
            row[^1] = cls[^1];
            return row;
        }).ToArray();
        // Calibrate: about 2 s of runs per case and side (at least 10), whatever the model size.
        var probe = new LatencyCase(batch, length, 1, ids);
        TimeOurs(classifier, probe, TimeSpan.FromSeconds(0.2));
        var once = TimeOurs(classifier, probe, TimeSpan.Zero).MedianMs;
        var iterations = Math.Clamp((int)((options.Quick ? 500 : 2000) / Math.Max(once, 0.001)), 10, 400);
        cases.Add(new LatencyCase(batch, length, iterations, ids));
    }
}

var rounds = options.Quick ? 1 : 5;
var plan = new BenchmarkPlan(Path.GetFullPath(options.Tokenizer), Path.GetFullPath(options.Model), texts, rounds, threads, options.Spinning, cases);

// .NET side.
// Warm up for a fixed time so tiered JIT has produced optimised code before timing (Node gets the same).
var warmup = Stopwatch.StartNew();
while (warmup.Elapsed < TimeSpan.FromSeconds(1.5))
{
    foreach (var t in texts.Take(200))
    {
        tokenizer.Encode(t, int.MaxValue, OverflowBehavior.Truncate);
    }
}

var planFile = Path.GetTempFileName();
await File.WriteAllTextAsync(planFile, JsonSerializer.Serialize(plan));
var node = await TransformersJsProcess.StartAsync(planFile);
var ourLatency = new LatencyResult[cases.Count];
var theirLatency = new LatencyResult[cases.Count];
ThroughputResult? ourTokenizer = null;
ThroughputResult? theirTokenizer = null;
await using (node)
{
    // Tokenizer passes alternate too (never concurrently: the machine has 2 cores); best pass per side is kept.
    for (var round = 0; round < rounds; round++)
    {
        var ours = TimeTokenizer(tokenizer, texts);
        var theirs = await node.TimeTokenizerAsync();
        ourTokenizer = ourTokenizer is null || ours.Seconds < ourTokenizer.Seconds ? ours : ourTokenizer;
        theirTokenizer = theirTokenizer is null || theirs.Seconds < theirTokenizer.Seconds ? theirs : theirTokenizer;
    }

    // Rounds alternate ours and theirs case by case; the best median per side is kept.
    for (var round = 0; round < (options.Quick ? 1 : 3); round++)
    {
        for (var k = 0; k < cases.Count; k++)
        {
            var ours = TimeOurs(classifier, cases[k]);
            var theirs = await node.TimeCaseAsync(k);
            ourLatency[k] = ourLatency[k] is null || ours.MedianMs < ourLatency[k].MedianMs ? ours : ourLatency[k];
            theirLatency[k] = theirLatency[k] is null || theirs.MedianMs < theirLatency[k].MedianMs ? theirs : theirLatency[k];
        }
    }
}

File.Delete(planFile);
Console.WriteLine(Report.Markdown(options, threads, ourTokenizer!, theirTokenizer!, ourLatency, theirLatency));

static ThroughputResult TimeTokenizer(ITokenizer tokenizer, IReadOnlyList<string> texts)
{
    long tokens = 0;
    var stopwatch = Stopwatch.StartNew();
    foreach (var t in texts)
    {
        tokens += tokenizer.Encode(t, int.MaxValue, OverflowBehavior.Truncate).Count;
    }

    return new ThroughputResult(texts.Count, tokens, stopwatch.Elapsed.TotalSeconds);
}

static LatencyResult TimeOurs(SequenceClassifier classifier, LatencyCase c, TimeSpan? warmup = null)
{
    var batch = c.InputIds.Select(row => new TokenizedText(row, new int[row.Length], new TokenOffset[row.Length], new bool[row.Length], false)).ToArray();
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed < (warmup ?? TimeSpan.FromSeconds(0.5)))
    {
        classifier.RunLogits(batch);
    }

    var times = new double[c.Iterations];
    for (var i = 0; i < c.Iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        classifier.RunLogits(batch);
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(times);
    return new LatencyResult(c.Batch, c.Tokens, times[times.Length / 2], times.Average());
}

namespace SemanticRouter.Inference.Benchmarks
{
    internal sealed record Args(string Tokenizer, string Model, int? Threads, bool Spinning, bool Quick, bool PerSessionThreads)
    {
        public static Args Parse(string[] args)
        {
            string? Value(string name)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            }

            return new Args(
                Value("--tokenizer") ?? Path.Combine(RepoPaths.SharedData, "tokenizers", "all-MiniLM-L6-v2"),
                Value("--model") ?? Path.Combine(RepoPaths.Root, "models", "fixtures", "tiny-bert-classifier"),
                Value("--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : null,
                args.Contains("--spinning"),
                args.Contains("--quick"),
                args.Contains("--per-session-threads"));
        }
    }

    /// <summary>Prompts from the shared datasets (read at run time, never copied into the repository).</summary>
    internal static class Prompts
    {
        public static IReadOnlyList<string> Load(int count)
        {
            var root = RepoPaths.SharedData;
            var texts = new List<string>();
            texts.AddRange(File.ReadLines(Path.Combine(root, "domain", "mmlu_pro_train.jsonl")).Take(count / 2)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString() ?? string.Empty));
            using var jailbreaks = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "jailbreak", "inthewild_train.json")));
            texts.AddRange(jailbreaks.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Take(count / 4));
            using var pii = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "pii", "presidio_synth_train.json")));
            texts.AddRange(pii.RootElement.EnumerateArray().Select(e => e.GetProperty("full_text").GetString() ?? string.Empty).Take(count - texts.Count));
            return texts;
        }
    }

    internal static class Report
    {
        public static string Markdown(Args options, int threads, ThroughputResult ours, ThroughputResult theirs, IReadOnlyList<LatencyResult> ourLatency, IReadOnlyList<LatencyResult> theirLatency)
        {
            var sb = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            sb.AppendLine(inv, $"Tokenizer `{Path.GetFileName(options.Tokenizer)}`, model `{Path.GetFileName(options.Model)}`, {threads} ORT threads ({(options.PerSessionThreads ? "per-session pool" : "global pool")}), spinning {(options.Spinning ? "on" : "off")}, {Environment.ProcessorCount} cores, ONNX Runtime {OrtRuntime.Version}.");
            sb.AppendLine();
            sb.AppendLine("| tokenizer | texts/s | tokens/s |");
            sb.AppendLine("|---|---:|---:|");
            sb.AppendLine(inv, $"| SemanticRouter.Inference | {ours.Texts / ours.Seconds:N0} | {ours.Tokens / ours.Seconds:N0} |");
            sb.AppendLine(inv, $"| transformers.js | {theirs.Texts / theirs.Seconds:N0} | {theirs.Tokens / theirs.Seconds:N0} |");
            sb.AppendLine(inv, $"| **ratio (ours / transformers.js)** | **{ours.Texts / ours.Seconds / (theirs.Texts / theirs.Seconds):F2}×** | tokens equal: {(ours.Tokens == theirs.Tokens ? "yes" : $"no ({ours.Tokens} vs {theirs.Tokens})")} |");
            sb.AppendLine();
            sb.AppendLine("| batch | tokens | ours median ms | transformers.js median ms | ratio (ours / theirs, lower is better) | ours mean ms | theirs mean ms |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var o in ourLatency)
            {
                var t = theirLatency.Single(x => x.Batch == o.Batch && x.Tokens == o.Tokens);
                sb.AppendLine(inv, $"| {o.Batch} | {o.Tokens} | {o.MedianMs:F3} | {t.MedianMs:F3} | **{o.MedianMs / t.MedianMs:F2}×** | {o.MeanMs:F3} | {t.MeanMs:F3} |");
            }

            return sb.ToString();
        }
    }
}
