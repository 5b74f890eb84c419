using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Tests;

/// <summary>
/// The anchor's keys that used to be accepted and ignored: <c>tier</c>, <c>annotations</c>, <c>lora_name</c>,
/// <c>reasoning_description</c> and <c>pricing.cached_input_per_1m</c> are bound, validated with their YAML path, and
/// (tier, cached price) change what the router does.
/// </summary>
public sealed class AnchorDecisionKeysTests
{
    private static readonly RouterConfigLoader Loader = new(RouterExtensionsDefaults.CreateCore(), _ => null);

    private const string Config = """
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              backend_refs: [{name: a, base_url: "http://127.0.0.1:9001/v1"}]
              pricing: {currency: USD, prompt_per_1m: 2, completion_per_1m: 8, cached_input_per_1m: 0.5}
            - name: large
              backend_refs: [{name: c, base_url: "http://127.0.0.1:9003/v1"}]
              pricing: {prompt_per_1m: 4, completion_per_1m: 16}
        routing:
          signals:
            keywords:
              - {name: math_terms, keywords: ["derivative"]}
          decisions:
            - name: math
              priority: 100
              tier: 2
              annotations: {owner: maths-team, ticket: "MATH-7"}
              rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
              modelRefs:
                - {model: large, lora_name: math-expert-lora, use_reasoning: true, reasoning_description: "multi-step algebra needs thinking"}
                - {model: small}
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        """;

    [Fact]
    public void The_keys_are_bound()
    {
        var config = Loader.Load(Config);

        var math = config.Routing.Decisions[0];
        Assert.Equal(2, math.Tier);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "maths-team", ["ticket"] = "MATH-7" }, math.Annotations);
        Assert.Equal("math-expert-lora", math.ModelRefs[0].LoraName);
        Assert.Equal("multi-step algebra needs thinking", math.ModelRefs[0].ReasoningDescription);
        Assert.Null(math.ModelRefs[1].LoraName);
        Assert.Equal(0, config.Routing.Decisions[1].Tier);
        Assert.Empty(config.Routing.Decisions[1].Annotations);
        Assert.Equal(0.5, config.FindModel("small")!.Pricing!.CachedInputPer1M);
        Assert.Null(config.FindModel("large")!.Pricing!.CachedInputPer1M);
        Assert.NotNull(Loader.Load(Config.Replace("base_url: \"http://127.0.0.1:9001/v1\"}", "base_url: \"http://127.0.0.1:9001/v1\", type: vllm}", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("tier: 2", "tier: -1", "routing.decisions[0].tier", "must be between 0")]
    [InlineData("tier: 2", "tier: first", "routing.decisions[0].tier", "expected an integer")]
    [InlineData("annotations: {owner: maths-team, ticket: \"MATH-7\"}", "annotations: [owner]", "routing.decisions[0].annotations", "expected a mapping")]
    [InlineData("annotations: {owner: maths-team, ticket: \"MATH-7\"}", "annotations: {owner: {name: x}}", "routing.decisions[0].annotations.owner", "expected a string")]
    [InlineData("lora_name: math-expert-lora", "lora_name: \"math lora\"", "routing.decisions[0].modelRefs[0].lora_name", "without whitespace")]
    [InlineData("cached_input_per_1m: 0.5", "cached_input_per_1m: -1", "providers.models[0].pricing.cached_input_per_1m", "must be")]
    [InlineData("- {model: small}\n", "- {model: small, weight: 2}\n", "routing.decisions[0].modelRefs[1].weight", "is not supported")]
    [InlineData("modelRefs: [{model: small}]", "modelRefs: [{model: small}]\n      algorithm: {type: static, on_error: skip}", "routing.decisions[1].algorithm.on_error", "is not supported")]
    [InlineData("{name: a, base_url: \"http://127.0.0.1:9001/v1\"}", "{name: a, base_url: \"http://127.0.0.1:9001/v1\", type: grpc}", "providers.models[0].backend_refs[0].type", "must be one of vllm | chat")]
    public void A_bad_value_is_a_load_error_naming_its_path(string find, string replace, string path, string message)
    {
        Assert.Contains(find, Config, StringComparison.Ordinal);
        var (config, errors) = Loader.TryLoad(Config.Replace(find, replace, StringComparison.Ordinal));

        Assert.Null(config);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Once_a_match_has_a_tier_the_lowest_tier_wins_before_priority_and_confidence()
    {
        var results = new SignalResults([new SignalMatch("keyword", "x", true, 0.9), new SignalMatch("keyword", "y", true, 0.1)]);
        var decisions = new[]
        {
            Decision("high_priority", 100, "x"),
            Decision("tier_two", 50, "x") with { Tier = 2 },
            Decision("tier_one_low_priority", 1, "y") with { Tier = 1 },
        };

        // Tier 1 beats tier 2 despite lower priority and confidence; an untiered match counts as tier 0 and comes first.
        Assert.Equal("tier_one_low_priority", new DecisionEngine(decisions[1..], RoutingStrategy.Priority).Select(results)!.Decision.Name);
        Assert.Equal("tier_one_low_priority", new DecisionEngine(decisions[1..], RoutingStrategy.Confidence).Select(results)!.Decision.Name);
        Assert.Equal("high_priority", new DecisionEngine(decisions, RoutingStrategy.Priority).Select(results)!.Decision.Name);

        // Within a tier: confidence, then priority, then name, whatever the strategy.
        var sameTier = new[] { Decision("a", 10, "y") with { Tier = 3 }, Decision("b", 5, "x") with { Tier = 3 }, Decision("c", 20, "x") with { Tier = 3 } };
        Assert.Equal("c", new DecisionEngine(sameTier, RoutingStrategy.Priority).Select(results)!.Decision.Name);
        Assert.Equal("c", new DecisionEngine(sameTier, RoutingStrategy.Confidence).Select(results)!.Decision.Name);
        Assert.Equal("b", new DecisionEngine(sameTier[..2], RoutingStrategy.Priority).Select(results)!.Decision.Name);
    }

    [Fact]
    public void Cached_prompt_tokens_are_read_from_usage_and_priced_at_the_cached_price()
    {
        var chat = TokenUsage.FromJson("""{"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":600}}}"""u8)!.Value;
        Assert.Equal((1000, 10, 600), (chat.PromptTokens, chat.CompletionTokens, chat.CachedPromptTokens));
        var responses = TokenUsage.FromJson("""{"response":{"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":20},"output_tokens":5}}}"""u8)!.Value;
        Assert.Equal((50, 5, 20), (responses.PromptTokens, responses.CompletionTokens, responses.CachedPromptTokens));
        var streamed = TokenUsage.FromSseTail(Encoding.UTF8.GetBytes("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens\":1}}\n\ndata: [DONE]\n\n"))!.Value;
        Assert.Equal(4, streamed.CachedPromptTokens);
        Assert.Equal(0, TokenUsage.FromJson("""{"usage":{"prompt_tokens":3,"completion_tokens":1,"prompt_tokens_details":null}}"""u8)!.Value.CachedPromptTokens);

        var priced = new PricingConfig("USD", 2, 8) { CachedInputPer1M = 0.5 };
        Assert.Equal(((400 * 2.0) + (600 * 0.5) + (10 * 8.0)) / 1_000_000, priced.Cost(1000, 600, 10), 15);
        // Without a cached price, cached tokens cost what other prompt tokens cost; a count above the prompt is capped.
        Assert.Equal(((1000 * 2.0) + (10 * 8.0)) / 1_000_000, new PricingConfig("USD", 2, 8).Cost(1000, 600, 10), 15);
        Assert.Equal(((1000 * 0.5) + (10 * 8.0)) / 1_000_000, priced.Cost(1000, 5000, 10), 15);
    }

    private static DecisionConfig Decision(string name, int priority, string leaf) =>
        new(name, null, priority, new RuleNodeConfig(null, [], "keyword", leaf), [], AlgorithmConfig.Static, []);
}
