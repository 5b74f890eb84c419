using System.Text.Json.Nodes;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Reasoning;

namespace SemanticRouter.Core.Tests;

/// <summary>Reasoning keys: families (built-in and configured), the default effort, per-modelRef choices, and their errors.</summary>
public sealed class ReasoningConfigTests
{
    private static readonly RouterConfigLoader Loader = new(RouterExtensionsDefaults.CreateCore(), _ => null);

    private const string Valid = """
        version: v1
        providers:
          defaults:
            default_model: small
            default_reasoning_effort: high
            reasoning_families:
              mine: {type: top_level_reasoning_effort, parameter: effort}
              qwen3: {type: chat_template_kwargs, parameter: thinking_mode}
          models:
            - {name: small, reasoning_family: qwen3, backend_refs: [{base_url: "http://127.0.0.1:9001/v1"}]}
            - {name: large, reasoning_family: gpt-oss, backend_refs: [{base_url: "http://127.0.0.1:9002/v1"}]}
        routing:
          decisions:
            - {name: d, rules: {operator: AND, conditions: []}, modelRefs: [{model: large, use_reasoning: true, reasoning_effort: low}, {model: small, use_reasoning: false}]}
        """;

    [Fact]
    public void Families_merge_over_the_built_ins_and_models_refer_to_them()
    {
        var config = Loader.Load(Valid);
        var reasoning = config.Providers.Reasoning;

        Assert.Equal("high", reasoning.DefaultEffort);
        Assert.Equal(new ReasoningFamilyConfig(ReasoningFamilyType.ChatTemplateKwargs, "thinking_mode"), reasoning.Families["qwen3"]);
        Assert.Equal(new ReasoningFamilyConfig(ReasoningFamilyType.TopLevelReasoningEffort, "effort"), reasoning.Families["mine"]);
        Assert.Equal(new ReasoningFamilyConfig(ReasoningFamilyType.ChatTemplateKwargs, "thinking"), reasoning.Families["deepseek"]);
        Assert.Equal(ReasoningFamilyType.ReasoningEffort, reasoning.Families["openai"].Type);
        Assert.Equal("gpt-oss", config.FindModel("large")!.ReasoningFamily);
        var refs = config.Routing.Decisions[0].ModelRefs;
        Assert.Equal((true, "low"), (refs[0].UseReasoning, refs[0].ReasoningEffort));
        Assert.Equal((false, (string?)null), (refs[1].UseReasoning, refs[1].ReasoningEffort));
    }

    [Fact]
    public void Without_defaults_the_effort_is_medium_and_the_built_ins_exist()
    {
        var config = Loader.Load(Valid.Replace("    default_reasoning_effort: high\n", string.Empty, StringComparison.Ordinal)
            .Replace("      mine: {type: top_level_reasoning_effort, parameter: effort}\n      qwen3: {type: chat_template_kwargs, parameter: thinking_mode}\n", string.Empty, StringComparison.Ordinal)
            .Replace("    reasoning_families:\n", string.Empty, StringComparison.Ordinal));

        Assert.Equal("medium", config.Providers.Reasoning.DefaultEffort);
        Assert.Equal(new ReasoningFamilyConfig(ReasoningFamilyType.ChatTemplateKwargs, "enable_thinking"), config.Providers.Reasoning.Families["qwen3"]);
    }

    [Theory]
    [InlineData("reasoning_family: gpt-oss", "reasoning_family: llama", "providers.models[1].reasoning_family", "unknown reasoning family \"llama\"")]
    [InlineData("default_reasoning_effort: high", "default_reasoning_effort: extreme", "providers.defaults.default_reasoning_effort", "must be one of low | medium | high")]
    [InlineData("{type: top_level_reasoning_effort, parameter: effort}", "{type: think_harder, parameter: effort}", "providers.defaults.reasoning_families.mine.type", "must be one of chat_template_kwargs")]
    [InlineData("{type: top_level_reasoning_effort, parameter: effort}", "{parameter: effort}", "providers.defaults.reasoning_families.mine.type", "is required")]
    [InlineData("{type: top_level_reasoning_effort, parameter: effort}", "{type: reasoning_effort}", "providers.defaults.reasoning_families.mine.parameter", "is required")]
    [InlineData("{type: top_level_reasoning_effort, parameter: effort}", "{type: reasoning_effort, parameter: \"a b\"}", "providers.defaults.reasoning_families.mine.parameter", "must be a JSON field name")]
    [InlineData("{type: top_level_reasoning_effort, parameter: effort}", "{type: reasoning_effort, parameter: effort, levels: [x]}", "providers.defaults.reasoning_families.mine.levels", "unknown key")]
    [InlineData("use_reasoning: true, reasoning_effort: low", "use_reasoning: true, reasoning_effort: max", "routing.decisions[0].modelRefs[0].reasoning_effort", "must be one of low | medium | high")]
    [InlineData("use_reasoning: true, reasoning_effort: low", "use_reasoning: maybe", "routing.decisions[0].modelRefs[0].use_reasoning", "expected true or false")]
    [InlineData("use_reasoning: true, reasoning_effort: low", "reasoning_effort: low", "routing.decisions[0].modelRefs[0].reasoning_effort", "only applies with use_reasoning: true")]
    public void A_reasoning_problem_is_reported_with_its_yaml_path(string find, string replace, string path, string message)
    {
        Assert.Contains(find, Valid);
        var (config, errors) = Loader.TryLoad(Valid.Replace(find, replace, StringComparison.Ordinal));

        Assert.Null(config);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_uses_the_refs_effort_then_the_default_and_leaves_the_client_body_alone()
    {
        var config = Loader.Load(Valid);
        var large = config.FindModel("large")!;
        var client = JsonNode.Parse("""{"model":"MoM","messages":[]}""")!.AsObject();

        var withRef = ReasoningMode.Resolve(config.Providers.Reasoning, large, new ModelRefConfig("large", 1, true, null), client);
        Assert.Equal((ReasoningOutcome.Applied, "high"), (withRef.Outcome, withRef.Effort));

        var body = (JsonObject)client.DeepClone();
        ReasoningMode.Write(withRef, body);
        Assert.Equal("high", body["reasoning_effort"]!.GetValue<string>());
        Assert.False(client.ContainsKey("reasoning_effort"));

        Assert.Equal(ReasoningOutcome.NotSet, ReasoningMode.Resolve(config.Providers.Reasoning, large, new ModelRefConfig("large", 1, null, null), client).Outcome);
        Assert.Equal(ReasoningOutcome.NotSet, ReasoningMode.Resolve(config.Providers.Reasoning, large, null, client).Outcome);
    }
}
