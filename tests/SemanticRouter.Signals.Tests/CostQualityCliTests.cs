using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Quality;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// fit-scores then eval --answers on a made-up 16-prompt matrix (tests/fixtures/tiny-answer-matrix.jsonl) through the
/// shipped classifier: on maths both models are right 7 times in 8, on law only the dear model is right. Fitted scores:
/// math 0.875/0.875, law 1/0; routed by them, maths goes to the cheap model and law to the dear one, which recovers the
/// whole gap with half the calls: operating points (share, PGR) (0, 0), (0.5, 1), (1, 1); APGR 0.75, CPT(50%) 0.25,
/// CPT(80%) 0.4.
/// </summary>
public sealed class CostQualityCliTests
{
    private static readonly string Matrix = Path.Combine(RepoPaths.Root, "tests", "fixtures", "tiny-answer-matrix.jsonl");

    private static string Config(string domains) => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - {name: big, backend_refs: [{base_url: "http://127.0.0.1:9/v1"}], pricing: {prompt_per_1m: 10, completion_per_1m: 30}}
            - {name: small, backend_refs: [{base_url: "http://127.0.0.1:9/v1"}], pricing: {prompt_per_1m: 0.1, completion_per_1m: 0.3}}
        routing:
          signals:
        {{{domains}}}
          decisions:
            - name: all
              modelRefs: [{model: big}, {model: small}]
              algorithm: {type: quality}
        """;

    private static WebApplication App(string yaml) => RouterApplication.Build(
        new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" },
        services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = ShippedModels.Directory }));

    [Fact]
    public async Task Fitted_scores_route_maths_to_the_cheap_model_and_the_curve_has_the_hand_computed_metrics()
    {
        var matrix = AnswerMatrix.Read(Matrix);
        string fragment;
        await using (var app = App(Config("    domains: [{name: math, threshold: 0}, {name: law, threshold: 0}]")))
        {
            fragment = await FitScoresCommand.FitAsync(app.Services, matrix, minCount: 4, concurrency: 2, "tiny-answer-matrix.jsonl", CancellationToken.None);
        }

        Assert.Contains("# 8 prompts: big 0.875 [0.529, 0.978]; small 0.875 [0.529, 0.978]", fragment, StringComparison.Ordinal);
        Assert.Contains("# 8 prompts: big 1.000 [0.676, 1.000]; small 0.000 [0.000, 0.324]", fragment, StringComparison.Ordinal);

        // The fragment is a drop-in routing.signals.domains list.
        var domains = string.Join('\n', fragment.Split('\n').SkipWhile(l => !l.StartsWith("    domains:", StringComparison.Ordinal)));
        await using (var app = App(Config(domains)))
        {
            var report = await AnswersEval.EvaluateAsync(app.Services.GetRequiredService<RouterPipeline>(), matrix, bootstrap: 200, seed: 1, concurrency: 2, CancellationToken.None);

            Assert.Equal(("big", "small", 16), (report.StrongModel, report.WeakModel, report.Prompts));
            Assert.Equal(0.5, report.Configured.StrongShare, 9);
            Assert.Equal(1.0, report.Configured.Pgr, 9);
            Assert.Equal(0.75, report.Router.Apgr.Value!.Value, 9);
            Assert.Equal(0.25, report.Router.Cpt50.Value!.Value, 9);
            Assert.Equal(0.4, report.Router.Cpt80.Value!.Value, 9);
        }
    }

    [Fact]
    public async Task Soft_assignment_counts_every_prompt_for_both_rules_and_scores_both()
    {
        var matrix = AnswerMatrix.Read(Matrix);
        await using var app = App(Config("    domains: [{name: math, threshold: 0}, {name: law, threshold: 0}]"));

        var fragment = await FitScoresCommand.FitAsync(app.Services, matrix, minCount: 4, concurrency: 2, "tiny-answer-matrix.jsonl", CancellationToken.None, soft: true);

        // Each prompt's weight is split between the two rules, so the summed counts are the 16 prompts.
        Assert.Contains("(soft; counts are summed probabilities", fragment, StringComparison.Ordinal);
        var counts = fragment.Split('\n').Where(l => l.TrimStart().StartsWith("# ", StringComparison.Ordinal) && l.Contains(" prompts: ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Trim()[2..l.Trim().IndexOf(' ', 2)], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, counts.Count);
        Assert.InRange(counts.Sum(), 15, 17);
        Assert.Equal(2, fragment.Split("model_scores:").Length - 1);
    }
}
