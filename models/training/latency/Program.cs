// Single-request latency of model folders through the C# engine, prompts of exact token counts:
//   dotnet run -c Release --project models/training/latency -- --threads 2 --tokens 16,64,100,128,512 FOLDER...
// Each folder is loaded as the kind its files say (ModelLoader.DetectKind). Prints one JSON line per folder and length:
// p50 / p99 / mean milliseconds of the synchronous call (tokenization included) over about --seconds of runs.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var threads = int.Parse(Option("--threads") ?? "1", CultureInfo.InvariantCulture);
var seconds = double.Parse(Option("--seconds") ?? "3", CultureInfo.InvariantCulture);
var lengths = (Option("--tokens") ?? "16,64,100,128,512").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var folders = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToArray();
OrtRuntime.Configure(new OrtRuntimeOptions { IntraOpThreads = threads });

// Single-piece words of the all-MiniLM-L6-v2 vocabulary: n words make n + 2 tokens with [CLS] and [SEP].
var words = "the model routes each request to a small fast or large careful backend when the question needs more thought about law health math code history".Split(' ');
string Prompt(int tokens) => string.Join(' ', Enumerable.Range(0, tokens - 2).Select(i => words[i % words.Length]));

foreach (var folder in folders)
{
    var kind = ModelLoader.DetectKind(folder);
    using var model = ModelLoader.Load(folder, kind, new ModelOptions { Overflow = OverflowBehavior.Truncate });
    Action<string> run = model switch
    {
        SentenceEmbedder e => t => e.Embed(t),
        MultiHeadClassifier m => t => m.Classify(t),
        TokenClassifier c => t => c.Extract(t),
        SequenceClassifier s => t => s.Classify(t),
        _ => throw new InvalidOperationException(kind.ToString()),
    };
    foreach (var tokens in lengths)
    {
        var text = Prompt(tokens);
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.5)
        {
            run(text);
        }

        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || times.Count < 20)
        {
            var start = Stopwatch.GetTimestamp();
            run(text);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            model = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
            kind = kind.ToString(),
            threads,
            tokens,
            runs = times.Count,
            p50_ms = Math.Round(times[times.Count / 2], 3),
            p99_ms = Math.Round(times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], 3),
            mean_ms = Math.Round(times.Average(), 3),
        }));
    }
}
