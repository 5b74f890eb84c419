using SemanticRouter.Core.Config;
using SemanticRouter.Core.Selection;

namespace SemanticRouter.Core.Tests;

/// <summary>The cost_quality rule (cheapest model within the tolerance of the best score) and its config.</summary>
public sealed class CostQualitySelectionTests
{
    private static readonly RouterConfigLoader Loader = new(RouterExtensionsDefaults.CreateCore(), _ => null);

    // strong: best score, dearest; mid: 0.03 below, cheaper; weak: 0.07 below, cheapest.
    private static readonly double[] Scores = [0.90, 0.87, 0.83];
    private static readonly double[] Prices = [15.0, 1.0, 0.2];

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.02, 0)]
    [InlineData(0.03, 1)]
    [InlineData(0.06, 1)]
    [InlineData(0.07, 2)]
    [InlineData(1.0, 2)]
    public void Picks_the_cheapest_model_within_the_tolerance_of_the_best(double tolerance, int expected)
    {
        Assert.Equal(expected, CostQualitySelection.Choose(Scores, Prices, tolerance));
    }

    [Fact]
    public void A_cheaper_model_that_scores_best_wins_at_any_tolerance()
    {
        Assert.Equal(1, CostQualitySelection.Choose([0.4, 0.5], [10, 1], 0));
    }

    [Fact]
    public void Equal_prices_go_to_the_higher_score_then_to_the_earlier_model_ref()
    {
        Assert.Equal(1, CostQualitySelection.Choose([0.80, 0.81], [1, 1], 0.05));
        Assert.Equal(0, CostQualitySelection.Choose([0.80, 0.80], [1, 1], 0.05));
    }

    [Fact]
    public void Unscored_models_are_never_chosen_and_no_scores_at_all_gives_minus_one()
    {
        Assert.Equal(0, CostQualitySelection.Choose([0.9, double.NaN], [10, 0.1], 1));
        Assert.Equal(-1, CostQualitySelection.Choose([double.NaN, double.NaN], [10, 0.1], 1));
    }

    [Fact]
    public void A_model_without_pricing_counts_as_the_dearest()
    {
        Assert.Equal(double.PositiveInfinity, CostQualitySelection.Price(null));
        Assert.Equal(1, CostQualitySelection.Choose([0.9, 0.9], [CostQualitySelection.Price(null), CostQualitySelection.Price(new PricingConfig("USD", 1, 3))], 0));
    }

    [Fact]
    public void A_negative_tolerance_asks_the_cheaper_model_to_beat_the_dearer_one_by_that_much()
    {
        Assert.Equal(1, CostQualitySelection.Choose([0.5, 0.6], [10, 1], -0.05));
        Assert.Equal(0, CostQualitySelection.Choose([0.5, 0.6], [10, 1], -0.2));
    }

    [Theory]
    [InlineData("{type: cost_quality, quality_tolerance: 0.05}", "cost_quality", 0.05)]
    [InlineData("{type: cost_quality, cost_quality: {quality_tolerance: 0.04}}", "cost_quality", 0.04)]
    [InlineData("{type: cost_quality}", "cost_quality", null)]
    [InlineData("{type: balanced}", "balanced", null)]
    [InlineData("{type: cost}", "cost", null)]
    [InlineData("{type: quality}", "quality", null)]
    public void The_algorithm_binds_inline_nested_and_as_an_azure_mode_alias(string algorithm, string type, double? tolerance)
    {
        var config = Loader.Load(Config(algorithm));
        var bound = config.Routing.Decisions[0].Algorithm;
        Assert.Equal(type, bound.Type);
        Assert.Equal(tolerance, (bound.Settings as CostQualitySettings)?.QualityTolerance);
    }

    [Theory]
    [InlineData("{type: cost_quality, quality_tolerance: 1.5}", "routing.decisions[0].algorithm.quality_tolerance")]
    [InlineData("{type: cost_quality, quality_tolerance: 0.1, cost_quality: {quality_tolerance: 0.1}}", "routing.decisions[0].algorithm.cost_quality")]
    [InlineData("{type: balanced, quality_tolerance: 0.1}", "routing.decisions[0].algorithm.quality_tolerance")]
    [InlineData("{type: cost, cost: {quality_tolerance: 0.1}}", "routing.decisions[0].algorithm.cost")]
    [InlineData("{type: cost_quality, cost_quality: {tolerance: 0.1}}", "routing.decisions[0].algorithm.cost_quality.tolerance")]
    public void Bad_settings_are_reported_with_their_yaml_path(string algorithm, string path)
    {
        var (config, errors) = Loader.TryLoad(Config(algorithm));
        Assert.Null(config);
        Assert.Contains(errors, e => e.Path == path);
    }

    private static string Config(string algorithm) => $$$"""
        version: v1
        providers:
          default_model: weak
          models:
            - {name: strong, backend_refs: [{base_url: "http://127.0.0.1:9001/v1"}], pricing: {prompt_per_1m: 10, completion_per_1m: 30}}
            - {name: weak, backend_refs: [{base_url: "http://127.0.0.1:9002/v1"}], pricing: {prompt_per_1m: 0.2, completion_per_1m: 0.6}}
        routing:
          decisions:
            - name: any
              modelRefs: [{model: strong}, {model: weak}]
              algorithm: {{{algorithm}}}
        """;
}
