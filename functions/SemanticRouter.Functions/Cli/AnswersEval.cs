using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Selection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Quality;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>eval --config FILE --answers FILE.jsonl [--out DIR]</c>: routes every prompt of an answer matrix (no backend call),
/// sweeps the cost_quality tolerance and reports the cost/quality curve with APGR, CPT(50%) and CPT(80%) (bootstrap
/// 95% intervals) against always-strong, always-weak, random and the oracle; writes curve.json, curve.csv and curve.png.
/// The matrix's model names are the config's model names; each needs <c>pricing</c>.
/// </summary>
internal static class AnswersEval
{
    /// <summary>Routes the matrix through the pipeline and evaluates it; a <see cref="FormatException"/> says what does not fit.</summary>
    public static async Task<AnswerReport> EvaluateAsync(RouterPipeline pipeline, AnswerMatrix matrix, int bootstrap, int seed, int concurrency, CancellationToken cancellationToken)
    {
        var config = pipeline.Snapshots.Current.Config;
        var prices = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var model in matrix.Models)
        {
            if (config.FindModel(model) is not { } m)
            {
                throw new FormatException($"the matrix scores \"{model}\", which the config does not define (models: {string.Join(", ", config.Providers.Models.Select(x => x.Name))})");
            }

            prices[model] = m.Pricing is null
                ? throw new FormatException($"providers.models \"{model}\" has no pricing: the curve needs every scored model's price")
                : CostQualitySelection.Price(m.Pricing);
        }

        var plans = await AnswerRouting.PlansAsync(pipeline, matrix, concurrency, cancellationToken).ConfigureAwait(false);
        var unscored = plans.SelectMany(p => p.Models).Distinct().Where(m => !prices.ContainsKey(m)).ToList();
        if (unscored.Count > 0)
        {
            throw new FormatException($"the router chooses models the matrix does not score: {string.Join(", ", unscored)}");
        }

        return AnswerEvaluation.Evaluate(matrix, plans, prices, bootstrap, seed);
    }

    public static async Task<int> RunAsync(FileInfo configFile, FileInfo answersFile, DirectoryInfo? outDir, int bootstrap, int seed, int concurrency, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        foreach (var f in new[] { configFile, answersFile })
        {
            if (!f.Exists)
            {
                error.WriteLine($"{f.FullName}: file not found");
                return 2;
            }
        }

        try
        {
            var matrix = AnswerMatrix.Read(answersFile.FullName);
            var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = File.ReadAllText(configFile.FullName), Urls = "http://127.0.0.1:0" });
            await using (app.ConfigureAwait(false))
            {
                var report = await EvaluateAsync(app.Services.GetRequiredService<RouterPipeline>(), matrix, bootstrap, seed, concurrency, cancellationToken).ConfigureAwait(false);
                var files = AnswerReportFiles.Write(report, outDir?.FullName ?? Directory.GetCurrentDirectory(), $"{answersFile.Name}: {report.StrongModel} vs {report.WeakModel}, {report.Prompts} prompts");
                output.Write(AnswerReportFiles.Summary(report));
                output.WriteLine("wrote " + string.Join(", ", files));
            }
        }
        catch (FormatException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }

        return 0;
    }
}
