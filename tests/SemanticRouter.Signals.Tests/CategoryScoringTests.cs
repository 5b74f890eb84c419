using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Selection;
using SemanticRouter.Core.Signals;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Domain;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// cost_quality's <c>category_scoring</c> on a made-up case with known answers. Scores: math strong 0.90 / weak 0.89
/// (gap 0.01), law strong 0.90 / weak 0.60 (gap 0.30); biology scores only the strong model. A prompt the classifier
/// puts at math 0.6, law 0.4: <c>top</c> reads math, the gap is within 0.02, the weak model wins; <c>expected</c> reads
/// weak = 0.6·0.89 + 0.4·0.60 = 0.774 against strong 0.90, a gap of 0.126, and keeps the strong model.
/// </summary>
public sealed class CategoryScoringTests
{
    private static readonly RouterConfigLoader Loader = new(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null);

    [Fact]
    public void Top_scoring_reads_the_first_ranked_category_and_picks_the_cheap_model()
    {
        var (order, choice) = Select("{type: balanced}", ("math", 0.6), ("law", 0.4));

        Assert.Equal("weak", order[0].Model);
        Assert.Equal("top", choice.CategoryScoring);
        Assert.Equal("domain:math", choice.ScoresFrom);
        Assert.Null(choice.Weights);
        Assert.Equal(0.89, choice.Candidates[1].Score);
    }

    [Fact]
    public void Expected_scoring_weighs_every_category_by_its_probability_and_keeps_the_strong_model()
    {
        var (order, choice) = Select("{type: balanced, category_scoring: expected}", ("math", 0.6), ("law", 0.4));

        Assert.Equal(["strong", "weak"], order.Select(r => r.Model));
        Assert.Equal("expected", choice.CategoryScoring);
        Assert.Equal("domain:expected", choice.ScoresFrom);
        Assert.Equal(0.90, choice.Candidates[0].Score!.Value, 9);
        Assert.Equal(0.774, choice.Candidates[1].Score!.Value, 9);
        Assert.Equal(["domain:math", "domain:law"], choice.Weights!.Select(w => w.Rule));
        Assert.Equal([0.6, 0.4], choice.Weights!.Select(w => w.Probability));
        Assert.StartsWith("best score for the expected score over 2 domain rules", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_category_that_scores_only_some_models_weighs_only_their_expected_scores()
    {
        // biology (0.5) scores only strong: strong = (0.5·0.80 + 0.5·0.90) / 1 = 0.85; weak = 0.89 from math alone.
        var (order, choice) = Select("{type: cost_quality, quality_tolerance: 0, category_scoring: expected}", ("math", 0.5), ("biology", 0.5));

        Assert.Equal("weak", order[0].Model);
        Assert.Equal(0.85, choice.Candidates[0].Score!.Value, 9);
        Assert.Equal(0.89, choice.Candidates[1].Score!.Value, 9);
    }

    [Fact]
    public void Expected_scoring_without_any_probability_reads_the_top_category_as_before()
    {
        var (order, choice) = Select("{type: balanced, category_scoring: expected}", ("math", 0.6), ("law", 0.4), withProbabilities: false);

        Assert.Equal("weak", order[0].Model);
        Assert.Equal("domain:math", choice.ScoresFrom);
        Assert.Null(choice.Weights);
    }

    [Theory]
    [InlineData("{type: cost_quality, category_scoring: expected}", 0.02, CategoryScoring.Expected)]
    [InlineData("{type: cost_quality, quality_tolerance: 0.05, category_scoring: top}", 0.05, CategoryScoring.Top)]
    [InlineData("{type: cost_quality, cost_quality: {category_scoring: expected}}", 0.02, CategoryScoring.Expected)]
    [InlineData("{type: cost, category_scoring: expected}", 0.06, CategoryScoring.Expected)]
    [InlineData("{type: quality, quality: {category_scoring: expected}}", 0.0, CategoryScoring.Expected)]
    [InlineData("{type: cost_quality, quality_tolerance: 0.03}", 0.03, CategoryScoring.Top)]
    public void Category_scoring_binds_inline_nested_and_on_the_azure_aliases_with_top_as_the_default(string algorithm, double tolerance, CategoryScoring scoring)
    {
        var settings = Assert.IsType<CostQualitySettings>(Loader.Load(Config(algorithm)).Routing.Decisions[0].Algorithm.Settings);
        Assert.Equal(tolerance, settings.QualityTolerance);
        Assert.Equal(scoring, settings.CategoryScoring);
    }

    [Theory]
    [InlineData("{type: cost_quality, category_scoring: soft}", "routing.decisions[0].algorithm.category_scoring")]
    [InlineData("{type: balanced, category_scoring: [expected]}", "routing.decisions[0].algorithm.category_scoring")]
    [InlineData("{type: cost_quality, cost_quality: {category_scoring: mean}}", "routing.decisions[0].algorithm.cost_quality.category_scoring")]
    [InlineData("{type: cost, cost: {quality_tolerance: 0.1, category_scoring: expected}}", "routing.decisions[0].algorithm.cost")]
    [InlineData("{type: cost_quality, category_scoring: expected, cost_quality: {category_scoring: expected}}", "routing.decisions[0].algorithm.cost_quality")]
    public void Bad_category_scoring_is_reported_with_its_yaml_path(string algorithm, string path)
    {
        var (config, errors) = Loader.TryLoad(Config(algorithm));

        Assert.Null(config);
        Assert.Contains(errors, e => e.Path == path);
    }

    /// <summary>Runs the decision's selector on a request whose domain signal gave these probabilities (the first is the top category).</summary>
    private static (IReadOnlyList<ModelRefConfig> Order, CostQualityChoice Choice) Select(string algorithm, (string Category, double P) top, (string Category, double P) second, bool withProbabilities = true)
    {
        var config = Loader.Load(Config(algorithm));
        var decision = config.Routing.Decisions[0];
        var selector = Loader.Extensions.Algorithm(decision.Algorithm.Type)!.Create(decision.Algorithm.Settings, decision, config);
        var matches = new List<SignalMatch>();
        foreach (var rule in new[] { "math", "law", "biology" })
        {
            var p = rule == top.Category ? top.P : rule == second.Category ? second.P : 0;
            var detail = withProbabilities ? new DomainDetail(top.Category, top.Category, top.P, p) : null;
            matches.Add(new SignalMatch("domain", rule, rule == top.Category, p, detail));
        }

        var request = ChatRequest.Parse(Encoding.UTF8.GetBytes("""{"model":"MoM","messages":[{"role":"user","content":"hi"}]}"""), 16);
        var context = new RoutingContext("r1", request, new Dictionary<string, string>(), config) { Signals = new SignalResults(matches) };
        var order = selector.Order(context);
        return (order, Assert.IsType<CostQualityChoice>(context.SelectionDetail));
    }

    private static string Config(string algorithm) => $$$"""
        version: v1
        providers:
          default_model: weak
          models:
            - {name: strong, backend_refs: [{base_url: "http://127.0.0.1:9001/v1"}], pricing: {prompt_per_1m: 10, completion_per_1m: 30}}
            - {name: weak, backend_refs: [{base_url: "http://127.0.0.1:9002/v1"}], pricing: {prompt_per_1m: 0.2, completion_per_1m: 0.6}}
        routing:
          signals:
            domains:
              - {name: math, threshold: 0, model_scores: [{model: strong, score: 0.90}, {model: weak, score: 0.89}]}
              - {name: law, threshold: 0, model_scores: [{model: strong, score: 0.90}, {model: weak, score: 0.60}]}
              - {name: biology, threshold: 0, model_scores: [{model: strong, score: 0.80}]}
          decisions:
            - name: any
              modelRefs: [{model: strong}, {model: weak}]
              algorithm: {{{algorithm}}}
        """;
}
