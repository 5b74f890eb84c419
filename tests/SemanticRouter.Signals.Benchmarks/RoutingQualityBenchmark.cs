using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualBasic.FileIO;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Quality;
using SemanticRouter.Signals.Domain;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// <c>routing-quality DATA_DIR OUT_DIR</c>: the RouteLLM MMLU benchmark (docs/routing-quality.md). Converts RouteLLM's
/// MMLU answer matrix (DATA_DIR/mmlu-routellm/responses/*.csv: per question, whether Mixtral-8x7B-Instruct and
/// GPT-4-1106 answered right) into answer-matrix JSONL without RouteLLM's 5 contaminated prompts, splits it by question
/// (SHA-256 of the prompt: even first byte = fit, odd = evaluate), fits model_scores on the fit half with the router's
/// own domain signal (fit-scores), then evaluates cost_quality on the other half (eval --answers). Reference points on
/// the same evaluation half: routing by the true MMLU subject (57) and by the true MMLU-Pro category (14, the subject
/// mapped through DATA_DIR/mmlu_pro_train.jsonl's src field), both fitted on the fit half.
/// </summary>
internal static class RoutingQualityBenchmark
{
    private const string Strong = "gpt-4";
    private const string Weak = "mixtral-8x7b";

    /// <summary>Only the fit-half cross-validation of category_scoring (no evaluation-half numbers): quick to rerun.</summary>
    public static async Task StudyAsync(string dataDir)
    {
        var (rows, _) = Rows(dataDir);
        var fit = rows.Where(r => !Evaluated(r.Prompt)).ToList();
        var fitFile = Path.Combine(Path.GetTempPath(), "mmlu-routellm-fit.jsonl");
        await File.WriteAllLinesAsync(fitFile, fit.Select(Line));
        var probabilities = await CategoryScoringStudy.ProbabilitiesAsync(fit.Select(r => r.Prompt).ToList(), ShippedModels(), ProbabilityCache);
        var prices = new Dictionary<string, double> { [Strong] = 24.7, [Weak] = 0.24 };
        foreach (var (variant, report) in CategoryScoringStudy.CrossValidate(AnswerMatrix.Read(fitFile), probabilities, Strong, Weak, prices))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant,-28} {Metric(report.Router.Apgr, "0.000")} {Metric(report.Router.Cpt50, "0.0%")} {Metric(report.Router.Cpt80, "0.0%")}"));
        }
    }

    private static string ProbabilityCache => Path.Combine(Path.GetTempPath(), "mmlu-routellm-domain-probabilities.tsv");

    private static string Metric(Metric m, string format) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Value?.ToString(format, CultureInfo.InvariantCulture) ?? "-"} [{m.Low?.ToString(format, CultureInfo.InvariantCulture) ?? "-"}, {m.High?.ToString(format, CultureInfo.InvariantCulture) ?? "-"}]");

    private static string Line((string Subject, string Prompt, bool Weak, bool Strong) r) =>
        new JsonObject { ["prompt"] = r.Prompt, ["scores"] = new JsonObject { [Strong] = r.Strong, [Weak] = r.Weak }, ["subject"] = r.Subject }.ToJsonString();

    private static (List<(string Subject, string Prompt, bool Weak, bool Strong)> Rows, int Contaminated) Rows(string dataDir)
    {
        var contaminated = File.ReadLines(Path.Combine(dataDir, "mmlu-routellm", "contaminated_prompts.jsonl"))
            .Select(l => JsonNode.Parse(l)!["eval_prompt"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var rows = new List<(string Subject, string Prompt, bool Weak, bool Strong)>();
        foreach (var file in Directory.GetFiles(Path.Combine(dataDir, "mmlu-routellm", "responses"), "mmlu_*.csv").Order(StringComparer.Ordinal))
        {
            var subject = Path.GetFileNameWithoutExtension(file)["mmlu_".Length..];
            using var parser = new TextFieldParser(file) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
            parser.SetDelimiters(",");
            var header = parser.ReadFields()!;
            int weakColumn = Array.IndexOf(header, "mistralai/Mixtral-8x7B-Instruct-v0.1"), strongColumn = Array.IndexOf(header, "gpt-4-1106-preview");
            while (parser.ReadFields() is { } fields)
            {
                if (!contaminated.Contains(fields[0]))
                {
                    rows.Add((subject, fields[0], bool.Parse(fields[weakColumn]), bool.Parse(fields[strongColumn])));
                }
            }
        }

        return (rows, contaminated.Count);
    }

    public static async Task RunAsync(string dataDir, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var (rows, contaminatedCount) = Rows(dataDir);
        var categories = SubjectCategories(Path.Combine(dataDir, "mmlu_pro_train.jsonl"));
        var fit = rows.Where(r => !Evaluated(r.Prompt)).ToList();
        var test = rows.Where(r => Evaluated(r.Prompt)).ToList();
        var fitFile = Path.Combine(Path.GetTempPath(), "mmlu-routellm-fit.jsonl");
        var testFile = Path.Combine(Path.GetTempPath(), "mmlu-routellm-eval.jsonl");
        await File.WriteAllLinesAsync(fitFile, fit.Select(Line));
        await File.WriteAllLinesAsync(testFile, test.Select(Line));
        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"RouteLLM MMLU matrix: {rows.Count} questions ({contaminatedCount} contaminated excluded); fit half {fit.Count}, evaluation half {test.Count}");

        var domains = string.Join('\n', DomainSignalKind.Categories.Select(c => $"      - {{name: {c}, threshold: 0}}"));
        string fragment;
        await using (var app = App(Config("    domains:\n" + domains)))
        {
            fragment = await FitScoresCommand.FitAsync(app.Services, AnswerMatrix.Read(fitFile), 20, 2, "the fit half", CancellationToken.None);
        }

        await File.WriteAllTextAsync(Path.Combine(outDir, "fitted-scores.yaml"), fragment);
        Directory.CreateDirectory(Path.Combine(outDir, "expected"));
        var fitted = string.Join('\n', fragment.Split('\n').SkipWhile(l => !l.StartsWith("    domains:", StringComparison.Ordinal)));
        var testMatrix = AnswerMatrix.Read(testFile);
        var prices = new Dictionary<string, double> { [Strong] = 24.7, [Weak] = 0.24 };
        await using (var app = App(Config(fitted)))
        {
            var pipeline = app.Services.GetRequiredService<RouterPipeline>();
            var report = await AnswersEval.EvaluateAsync(pipeline, testMatrix, 1000, 1, 2, CancellationToken.None);
            AnswerReportFiles.Write(report, outDir, $"MMLU evaluation half ({report.Prompts}): cost_quality on the domain signal");
            summary.AppendLine("== router: cost_quality over the domain signal (balanced = tolerance 0.02)").Append(AnswerReportFiles.Summary(report));
        }

        // category_scoring: the variant is chosen on the fit half alone (5-fold cross-validation), then evaluated once here.
        var fitProbabilities = await CategoryScoringStudy.ProbabilitiesAsync(fit.Select(r => r.Prompt).ToList(), ShippedModels(), ProbabilityCache);
        var testProbabilities = await CategoryScoringStudy.ProbabilitiesAsync(test.Select(r => r.Prompt).ToList(), ShippedModels(), ProbabilityCache);
        var right = test.Where((r, i) => DomainSignalKind.Categories[CategoryScoringStudy.Top(testProbabilities[i])] == categories[r.Subject]).Count();
        summary.AppendLine(CultureInfo.InvariantCulture, $"domain signal top label = the question's MMLU-Pro category: {(double)right / test.Count:0.000} ({right}/{test.Count})");
        var confident = fitProbabilities.Count(p => p.Max() >= 0.9);
        summary.AppendLine(CultureInfo.InvariantCulture, $"fit half: mean top probability {fitProbabilities.Average(p => p.Max()):0.000}; top probability >= 0.9 for {(double)confident / fit.Count:0.000}");
        summary.AppendLine("== category_scoring variants, 5-fold cross-validation inside the fit half (out-of-fold routing pooled; 200 bootstrap samples): APGR, CPT(50%), CPT(80%)");
        var study = CategoryScoringStudy.CrossValidate(AnswerMatrix.Read(fitFile), fitProbabilities, Strong, Weak, prices);
        foreach (var (variant, report) in study)
        {
            summary.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {variant,-28} {Metric(report.Router.Apgr, "0.000")}  {Metric(report.Router.Cpt50, "0.000")}  {Metric(report.Router.Cpt80, "0.000")}"));
        }

        var chosen = CategoryScoringStudy.Choose(study);
        summary.AppendLine(CultureInfo.InvariantCulture, $"chosen on the fit half (lowest CPT(50%), then highest APGR): {chosen}");
        var strongFit = fit.Select(r => r.Strong).ToArray();
        var weakFit = fit.Select(r => r.Weak).ToArray();
        var chosenFit = CategoryScoringStudy.Fit(Enumerable.Range(0, fit.Count), fitProbabilities, strongFit, weakFit, chosen.Hard);
        var offline = AnswerEvaluation.Evaluate(testMatrix, testProbabilities.Select(p => CategoryScoringStudy.Plan(p, chosenFit, chosen, Strong, Weak, prices[Strong], prices[Weak])).ToList(), prices, 1000, 1);
        summary.AppendLine(CultureInfo.InvariantCulture, $"== {chosen} on the evaluation half, computed from the head's probabilities").Append(AnswerReportFiles.Summary(offline));
        if (chosen.Temperature == 1)
        {
            // The same variant through the router itself: the fitted scores as model_scores, category_scoring in the config.
            var scored = string.Join('\n', DomainSignalKind.Categories.Select((c, k) => chosenFit[k] is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"      - {{name: {c}, threshold: 0, model_scores: [{{model: {Strong}, score: {f.Strong:R}}}, {{model: {Weak}, score: {f.Weak:R}}}]}}")
                : $"      - {{name: {c}, threshold: 0}}"));
            await File.WriteAllTextAsync(Path.Combine(outDir, "expected", "fitted-scores.yaml"), $"# {chosen}: model_scores fitted on the fit half\nrouting:\n  signals:\n    domains:\n{scored}\n");
            await using var app = App(Config("    domains:\n" + scored, $"{{type: balanced, category_scoring: {chosen.Scoring}}}"));
            var report = await AnswersEval.EvaluateAsync(app.Services.GetRequiredService<RouterPipeline>(), testMatrix, 1000, 1, 2, CancellationToken.None);
            AnswerReportFiles.Write(report, Path.Combine(outDir, "expected"), $"MMLU evaluation half ({report.Prompts}): cost_quality, category_scoring {chosen.Scoring}");
            summary.AppendLine(CultureInfo.InvariantCulture, $"== router: cost_quality, category_scoring: {chosen.Scoring} ({chosen}), through the router's pipeline").Append(AnswerReportFiles.Summary(report));
        }

        foreach (var (name, key) in new (string, Func<(string Subject, string Prompt, bool Weak, bool Strong), string>)[] { ("true subject (57)", r => r.Subject), ("true MMLU-Pro category (14)", r => categories[r.Subject]) })
        {
            var scores = fit.GroupBy(key).ToDictionary(g => g.Key, g => (Strong: g.Average(r => r.Strong ? 1.0 : 0), Weak: g.Average(r => r.Weak ? 1.0 : 0)));
            var plans = test.Select(r => scores.TryGetValue(key(r), out var s) ? new RoutingPlan([Strong, Weak], [s.Strong, s.Weak], [prices[Strong], prices[Weak]], 0.02) : RoutingPlan.Fixed(Strong)).ToList();
            var report = AnswerEvaluation.Evaluate(testMatrix, plans, prices, 1000, 1);
            summary.AppendLine(CultureInfo.InvariantCulture, $"== reference: routing by the {name}, fitted on the fit half").Append(AnswerReportFiles.Summary(report));
        }

        await File.WriteAllTextAsync(Path.Combine(outDir, "summary.txt"), summary.ToString());
        Console.Write(summary);
    }

    private static bool Evaluated(string prompt) => (SHA256.HashData(Encoding.UTF8.GetBytes(prompt))[0] & 1) == 1;

    /// <summary>MMLU subject → MMLU-Pro category, from MMLU-Pro's own src field (moral_scenarios, absent there, is philosophy).</summary>
    private static Dictionary<string, string> SubjectCategories(string mmluPro)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { ["moral_scenarios"] = "philosophy" };
        foreach (var line in File.ReadLines(mmluPro))
        {
            var node = JsonNode.Parse(line)!;
            var src = node["src"]!.GetValue<string>();
            if (src.StartsWith("ori_mmlu-", StringComparison.Ordinal))
            {
                map[src["ori_mmlu-".Length..]] = node["category"]!.GetValue<string>();
            }
        }

        return map;
    }

    private static Microsoft.AspNetCore.Builder.WebApplication App(string yaml) => RouterApplication.Build(
        new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" },
        services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = ShippedModels() }));

    private static string ShippedModels() => Path.Combine(SemanticRouter.Testing.RepoPaths.Root, "models");

    /// <summary>The two models priced as RouteLLM did (per 1M tokens, input and output alike), one cost_quality decision.</summary>
    private static string Config(string domains, string algorithm = "{type: balanced}") => $$$"""
        version: v1
        providers:
          default_model: {{{Weak}}}
          models:
            - {name: {{{Strong}}}, backend_refs: [{base_url: "http://127.0.0.1:9/v1"}], pricing: {prompt_per_1m: 24.7, completion_per_1m: 24.7}}
            - {name: {{{Weak}}}, backend_refs: [{base_url: "http://127.0.0.1:9/v1"}], pricing: {prompt_per_1m: 0.24, completion_per_1m: 0.24}}
        routing:
          signals:
        {{{domains}}}
          decisions:
            - name: all
              modelRefs: [{model: {{{Strong}}}}, {model: {{{Weak}}}}]
              algorithm: {{{algorithm}}}
        """;
}
