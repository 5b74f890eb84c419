using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Signals;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Domain;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>eval --config FILE --dataset FILE.jsonl</c>: routes every labelled example through the router's signals and
/// decisions (the explain dry run: no plugins, no upstream call) and prints per-label precision/recall, confusion
/// matrices and latency percentiles. Lines: <c>{"text": "...", "expected": {"domain": "math", "jailbreak": false, "decision": "math_route"}}</c>;
/// each expected field is optional. Prompt texts are never printed. With <c>--answers FILE</c> instead of
/// <c>--dataset</c>: the cost/quality curve of the config's routing on an answer matrix (<see cref="AnswersEval"/>).
/// </summary>
internal static class EvalCommand
{
    /// <summary>Examples read at most (the whole file is held in memory).</summary>
    internal const int MaxExamples = 100_000;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Router config YAML.", Required = true };
        var dataset = new Option<FileInfo?>("--dataset") { Description = "Labelled JSONL: {\"text\", \"expected\": {\"domain\", \"jailbreak\", \"decision\"}}." };
        var answers = new Option<FileInfo?>("--answers") { Description = "Answer matrix JSONL ({\"prompt\", \"scores\": {\"model\": 0..1}}): report the cost/quality curve instead." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "With --answers: folder for curve.json, curve.csv and curve.png (default: the current folder)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "With --answers: bootstrap resamples for the 95% intervals (default 1000).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "With --answers: seed of the bootstrap (default 1).", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Examples evaluated at once (default 1).", DefaultValueFactory = _ => 1 };
        var command = new Command("eval", "Evaluate signals and decisions on a labelled dataset, or routing on an answer matrix, without calling any backend.") { config, dataset, answers, outDir, bootstrap, seed, concurrency };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var configFile = parseResult.GetValue(config)!;
            if ((parseResult.GetValue(dataset) is null) == (parseResult.GetValue(answers) is null))
            {
                error.WriteLine("Give exactly one of --dataset (labelled prompts) or --answers (an answer matrix).");
                return 2;
            }

            if (parseResult.GetValue(answers) is { } answersFile)
            {
                return await AnswersEval.RunAsync(configFile, answersFile, parseResult.GetValue(outDir), Math.Clamp(parseResult.GetValue(bootstrap), 0, 100_000), parseResult.GetValue(seed), Math.Clamp(parseResult.GetValue(concurrency), 1, 256), output, error, ct).ConfigureAwait(false);
            }

            var dataFile = parseResult.GetValue(dataset)!;
            foreach (var f in new[] { configFile, dataFile })
            {
                if (!f.Exists)
                {
                    error.WriteLine($"{f.FullName}: file not found");
                    return 2;
                }
            }

            List<Example> examples;
            try
            {
                examples = Read(dataFile.FullName);
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }

            var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = File.ReadAllText(configFile.FullName), Urls = "http://127.0.0.1:0" });
            await using (app.ConfigureAwait(false))
            {
                var pipeline = app.Services.GetRequiredService<RouterPipeline>();
                var model = pipeline.Snapshots.Current.Config.Global.Router.AutoModelNames.FirstOrDefault() ?? "MoM";
                var report = await RunAsync(pipeline, model, examples, Math.Clamp(parseResult.GetValue(concurrency), 1, 256), ct).ConfigureAwait(false);
                output.Write(report);
            }

            return 0;
        });
        return command;
    }

    internal static List<Example> Read(string path)
    {
        var list = new List<Example>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (list.Count == MaxExamples)
            {
                throw new FormatException($"{path}: more than {MaxExamples} examples");
            }

            try
            {
                var node = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("not an object");
                var text = node["text"]?.GetValue<string>() ?? throw new FormatException("\"text\" is required");
                var expected = node["expected"] as JsonObject;
                list.Add(new Example(text, expected?["domain"]?.GetValue<string>(), JailbreakLabel(expected?["jailbreak"]), expected?["decision"]?.GetValue<string>()));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"{path}:{number}: {e.Message}", e);
            }
        }

        return list;
    }

    internal static async Task<string> RunAsync(RouterPipeline pipeline, string model, IReadOnlyList<Example> examples, int concurrency, CancellationToken cancellationToken)
    {
        // One untimed request first: it waits for models to load.
        if (examples.Count > 0)
        {
            await EvaluateAsync(pipeline, model, examples[0], cancellationToken).ConfigureAwait(false);
        }

        var results = new Outcome[examples.Count];
        await Parallel.ForAsync(0, examples.Count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            results[i] = await EvaluateAsync(pipeline, model, examples[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"examples: {examples.Count}, concurrency: {concurrency}");
        Section(sb, "domain", examples.Select((e, i) => (e.Domain, results[i].Domain)));
        Section(sb, "jailbreak", examples.Select((e, i) => (e.Jailbreak, results[i].Jailbreak)));
        Section(sb, "decision", examples.Select((e, i) => (e.Decision, (string?)results[i].Decision)));
        var latencies = results.Select(r => r.Milliseconds).Order().ToArray();
        if (latencies.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"latency ms (signals + decision): p50 {Percentile(latencies, 0.50):0.00}  p90 {Percentile(latencies, 0.90):0.00}  p99 {Percentile(latencies, 0.99):0.00}  max {latencies[^1]:0.00}");
        }

        return sb.ToString();
    }

    private static async Task<Outcome> EvaluateAsync(RouterPipeline pipeline, string model, Example example, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = example.Text }),
        };
        var request = new RouterRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), new Dictionary<string, string>());
        var watch = Stopwatch.StartNew();
        var context = await pipeline.ExplainAsync(request, cancellationToken).ConfigureAwait(false);
        var ms = watch.Elapsed.TotalMilliseconds;
        var domain = context.Signals.All.Select(s => s.Detail).OfType<DomainDetail>().FirstOrDefault()?.Category;
        var jailbreakSignals = context.Signals.All.Where(s => s.Type == "jailbreak").ToList();
        string? jailbreak = jailbreakSignals.Count == 0 ? null : jailbreakSignals.Any(s => s.Matched) ? "jailbreak" : "benign";
        return new Outcome(domain, jailbreak, context.Decision?.Decision.Name ?? "(none)", ms);
    }

    /// <summary>Accuracy, per-label precision/recall/support and a confusion matrix (rows expected, columns predicted).</summary>
    private static void Section(StringBuilder sb, string name, IEnumerable<(string? Expected, string? Predicted)> pairs)
    {
        var labelled = pairs.Where(p => p.Expected is not null).Select(p => (Expected: p.Expected!, Predicted: p.Predicted ?? "(not evaluated)")).ToList();
        if (labelled.Count == 0)
        {
            return;
        }

        var labels = labelled.SelectMany(p => new[] { p.Expected, p.Predicted }).Distinct().Order(StringComparer.Ordinal).ToList();
        var correct = labelled.Count(p => p.Expected == p.Predicted);
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"== {name}: accuracy {(double)correct / labelled.Count:0.0000} ({correct}/{labelled.Count})");
        var width = Math.Max(12, labels.Max(l => l.Length) + 1);
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"label".PadRight(width)} precision  recall  support");
        foreach (var label in labels)
        {
            var tp = labelled.Count(p => p.Expected == label && p.Predicted == label);
            var predicted = labelled.Count(p => p.Predicted == label);
            var support = labelled.Count(p => p.Expected == label);
            sb.AppendLine(CultureInfo.InvariantCulture, $"{label.PadRight(width)} {(predicted == 0 ? 0 : (double)tp / predicted),9:0.000} {(support == 0 ? 0 : (double)tp / support),7:0.000} {support,8}");
        }

        sb.AppendLine("confusion (rows expected, columns predicted):");
        var abbreviations = labels.Select((l, i) => i.ToString(CultureInfo.InvariantCulture)).ToList();
        sb.Append(' ', width).AppendLine(string.Concat(abbreviations.Select(a => a.PadLeft(6))));
        for (var r = 0; r < labels.Count; r++)
        {
            sb.Append((r.ToString(CultureInfo.InvariantCulture) + " " + labels[r]).PadRight(width));
            for (var c = 0; c < labels.Count; c++)
            {
                var n = labelled.Count(p => p.Expected == labels[r] && p.Predicted == labels[c]);
                sb.Append(n.ToString(CultureInfo.InvariantCulture).PadLeft(6));
            }

            sb.AppendLine();
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string? JailbreakLabel(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => "jailbreak",
        JsonValueKind.False => "benign",
        JsonValueKind.String => node.GetValue<string>() is "jailbreak" or "true" or "unsafe" ? "jailbreak" : "benign",
        _ => null,
    };

    internal sealed record Example(string Text, string? Domain, string? Jailbreak, string? Decision);

    private sealed record Outcome(string? Domain, string? Jailbreak, string Decision, double Milliseconds);
}
