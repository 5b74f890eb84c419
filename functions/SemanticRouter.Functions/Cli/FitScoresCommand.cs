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
/// than <c>--min-count</c> prompts get no scores (cost_quality then keeps their modelRefs' written order). With
/// <c>--assignment soft</c> every prompt counts for every rule, weighted by the classifier's probability for the rule's
/// categories (normalised over the rules): the fit that matches <c>category_scoring: expected</c>.
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
        var assignment = new Option<string>("--assignment") { Description = "top: each prompt counts for its first matching rule (default); soft: for every rule, weighted by the classifier's probability.", DefaultValueFactory = _ => "top" };
        assignment.AcceptOnlyFromAmong("top", "soft");
        var command = new Command("fit-scores", "Fit domains[].model_scores from an answer matrix with the router's domain signal.") { config, answers, output, minCount, concurrency, assignment };
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
                    yaml = await FitAsync(app.Services, matrix, Math.Max(1, parseResult.GetValue(minCount)), Math.Clamp(parseResult.GetValue(concurrency), 1, 64), answersFile.Name, ct, soft: parseResult.GetValue(assignment) == "soft").ConfigureAwait(false);
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
    public static async Task<string> FitAsync(IServiceProvider services, AnswerMatrix matrix, int minCount, int concurrency, string source, CancellationToken cancellationToken, bool soft = false)
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
        var matches = await MatchAsync(evaluator, matrix, concurrency, cancellationToken).ConfigureAwait(false);
        var fits = soft
            ? ScoreFit.FitWeighted(matrix.Rows.SelectMany((r, i) => Weights(matches[i]).Select(w => (w.Rule, r, w.Weight))), matrix.Models)
            : ScoreFit.Fit(matrix.Rows.Select((r, i) => (matches[i].FirstOrDefault(m => m.Matched)?.Name ?? "(none)", r)), matrix.Models);
        return Fragment(rules, fits, minCount, matrix.Rows.Count, source, soft);
    }

    /// <summary>Every domain rule's match per prompt.</summary>
    private static async Task<IReadOnlyList<SignalMatch>[]> MatchAsync(ISignalEvaluator evaluator, AnswerMatrix matrix, int concurrency, CancellationToken cancellationToken)
    {
        var all = new IReadOnlyList<SignalMatch>[matrix.Rows.Count];
        await Parallel.ForAsync(0, all.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var request = ChatRequest.Parse(AnswerRouting.Request("MoM", matrix.Rows[i].Prompt).Body.Span, 16);
            all[i] = await evaluator.EvaluateAsync(new SignalContext(request, new Dictionary<string, string>()), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return all;
    }

    /// <summary>Soft assignment: each rule's probability, normalised over the rules so a prompt counts once in all.</summary>
    private static IEnumerable<(string Rule, double Weight)> Weights(IReadOnlyList<SignalMatch> matches)
    {
        var total = matches.Sum(m => m.Detail is IRuleProbability p ? p.Probability : 0);
        return total > 0
            ? matches.Select(m => (m.Name, m.Detail is IRuleProbability p ? p.Probability / total : 0))
            : [("(none)", 1.0)];
    }

    internal static string Fragment(IReadOnlyList<DomainRule> rules, IReadOnlyDictionary<string, GroupFit> fits, int minCount, int prompts, string source, bool soft = false)
    {
        static string N(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        var grouping = soft
            ? "each counted for every domain rule with the classifier's probability for it (soft; counts are summed probabilities, intervals treat them as counts)"
            : "grouped by the first matching domain rule";
        sb.AppendLine(CultureInfo.InvariantCulture, $"# fit-scores: {prompts} prompts of {source}, {grouping}; 95% intervals (Wilson for 0/1 scores).");
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
