using System.CommandLine;
using System.Globalization;
using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Signals;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Quality;
using SemanticRouter.Signals.Domain;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>fit-scores --config FILE --answers FILE.jsonl</c>: runs the config's domain signal on every prompt of an answer
/// matrix (the training part: never the prompts you evaluate on) and writes <c>routing.signals.domains</c> with
/// <c>model_scores</c> per domain rule: each model's mean score on the prompts whose first matching domain rule (in
/// config order, the one cost_quality reads) is that rule, with counts and 95% intervals as comments. Rules with fewer
/// than <c>--min-count</c> prompts get no scores (cost_quality then keeps their modelRefs' written order).
/// </summary>
internal static class FitScoresCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Router config YAML whose routing.signals.domains are fitted.", Required = true };
        var answers = new Option<FileInfo>("--answers") { Description = "Answer matrix JSONL: {\"prompt\", \"scores\": {\"model\": 0..1}}.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write the YAML fragment here instead of standard output." };
        var minCount = new Option<int>("--min-count") { Description = "Prompts a rule needs before it gets scores (default 20).", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency") { Description = "Prompts classified at once (default 2).", DefaultValueFactory = _ => 2 };
        var command = new Command("fit-scores", "Fit domains[].model_scores from an answer matrix with the router's domain signal.") { config, answers, output, minCount, concurrency };
        command.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var configFile = parseResult.GetValue(config)!;
            var answersFile = parseResult.GetValue(answers)!;
            foreach (var f in new[] { configFile, answersFile })
            {
                if (!f.Exists)
                {
                    error.WriteLine($"{f.FullName}: file not found");
                    return 2;
                }
            }

            AnswerMatrix matrix;
            try
            {
                matrix = AnswerMatrix.Read(answersFile.FullName);
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }

            var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = File.ReadAllText(configFile.FullName), Urls = "http://127.0.0.1:0" });
            await using (app.ConfigureAwait(false))
            {
                string yaml;
                try
                {
                    yaml = await FitAsync(app.Services, matrix, Math.Max(1, parseResult.GetValue(minCount)), Math.Clamp(parseResult.GetValue(concurrency), 1, 64), answersFile.Name, ct).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    error.WriteLine($"{configFile.FullName}: {e.Message}");
                    return 2;
                }

                if (parseResult.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, yaml, ct).ConfigureAwait(false);
                }
                else
                {
                    parseResult.InvocationConfiguration.Output.Write(yaml);
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>The YAML fragment for the matrix; a <see cref="FormatException"/> says why the config or matrix does not fit.</summary>
    public static async Task<string> FitAsync(IServiceProvider services, AnswerMatrix matrix, int minCount, int concurrency, string source, CancellationToken cancellationToken)
    {
        var config = services.GetRequiredService<RouterPipeline>().Snapshots.Current.Config;
        var rules = config.Routing.Signals.GetValueOrDefault("domains")?.Cast<DomainRule>().ToList() ?? [];
        if (rules.Count == 0)
        {
            throw new FormatException("routing.signals.domains is empty: there is nothing to fit");
        }

        var unknown = matrix.Models.Where(m => config.FindModel(m) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"the matrix scores models the config does not define: {string.Join(", ", unknown)}");
        }

        var evaluator = services.GetRequiredService<RouterExtensions>().KindByConfigKey("domains")!.CreateEvaluator(rules);
        var groups = await GroupAsync(evaluator, matrix, concurrency, cancellationToken).ConfigureAwait(false);
        return Fragment(rules, ScoreFit.Fit(matrix.Rows.Select((r, i) => (groups[i], r)), matrix.Models), minCount, matrix.Rows.Count, source);
    }

    /// <summary>The first matching domain rule per prompt, in config order ("(none)" when none matches).</summary>
    private static async Task<string[]> GroupAsync(ISignalEvaluator evaluator, AnswerMatrix matrix, int concurrency, CancellationToken cancellationToken)
    {
        var groups = new string[matrix.Rows.Count];
        await Parallel.ForAsync(0, groups.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var request = ChatRequest.Parse(AnswerRouting.Request("MoM", matrix.Rows[i].Prompt).Body.Span, 16);
            var matches = await evaluator.EvaluateAsync(new SignalContext(request, new Dictionary<string, string>()), ct).ConfigureAwait(false);
            groups[i] = matches.FirstOrDefault(m => m.Matched)?.Name ?? "(none)";
        }).ConfigureAwait(false);
        return groups;
    }

    internal static string Fragment(IReadOnlyList<DomainRule> rules, IReadOnlyDictionary<string, GroupFit> fits, int minCount, int prompts, string source)
    {
        static string N(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# fit-scores: {prompts} prompts of {source}, grouped by the first matching domain rule; 95% intervals (Wilson for 0/1 scores).");
        if (fits.TryGetValue("(none)", out var none))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"# {none.Count} prompts matched no domain rule.");
        }

        sb.AppendLine("routing:");
        sb.AppendLine("  signals:");
        sb.AppendLine("    domains:");
        foreach (var rule in rules)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"      - name: {Quote(rule.Name)}");
            if (rule.Categories.Count != 1 || rule.Categories[0] != DomainSignalKind.Normalize(rule.Name))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"        mmlu_categories: [{string.Join(", ", rule.Categories.Select(Quote))}]");
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"        threshold: {rule.Threshold.ToString(CultureInfo.InvariantCulture)}");
            if (rule.FallbackCategory != "other")
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"        fallback_category: {Quote(rule.FallbackCategory)}");
            }

            var fit = fits.GetValueOrDefault(rule.Name);
            var count = fit?.Count ?? 0;
            if (fit is null || count < minCount)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"        # {count} prompts (fewer than {minCount}): no model_scores, so cost_quality keeps the written order");
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"        # {count} prompts: {string.Join("; ", fit.Models.Select(m => $"{m.Model} {N(m.Score)} [{N(m.Low)}, {N(m.High)}]"))}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"        model_scores: [{string.Join(", ", fit.Models.Select(m => $"{{model: {Quote(m.Model)}, score: {N(m.Score)}}}"))}]");
        }

        return sb.ToString();
    }

    /// <summary>A YAML flow scalar: plain when safe, double-quoted otherwise.</summary>
    private static string Quote(string s) =>
        s.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ' ' or '/') && s.Length > 0 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])
            ? s
            : "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
