using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Tests;

/// <summary>Config problems are all reported, each with its YAML path.</summary>
public sealed class ConfigValidationTests
{
    private static readonly RouterConfigLoader Loader = new(RouterExtensionsDefaults.CreateCore(), _ => null);

    private const string Valid = """
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              provider_model_id: qwen3-8b
              api_key_env: SMALL_KEY
              backend_refs:
                - {name: a, base_url: "http://127.0.0.1:9001/v1", weight: 3}
                - {name: b, base_url: "http://127.0.0.1:9002/v1", weight: 1}
            - name: large
              provider_model_id: big-model
              backend_refs: [{name: c, base_url: "http://127.0.0.1:9003/v1"}]
        routing:
          strategy: priority
          signals:
            keywords:
              - {name: math_terms, operator: OR, keywords: ["derivative", "integral"], case_sensitive: false}
          decisions:
            - name: math
              priority: 100
              rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
              modelRefs: [{model: large}, {model: small}]
              plugins:
                - {type: system_prompt, configuration: {system_prompt: "You are a math expert.", mode: insert}}
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        global:
          router: {auto_model_names: [MoM, auto]}
        """;

    [Fact]
    public void The_reference_config_from_the_issue_loads()
    {
        var config = Loader.Load(Valid);

        Assert.Equal("small", config.Providers.DefaultModel);
        Assert.Equal(2, config.Providers.Models.Count);
        Assert.Equal("qwen3-8b", config.FindModel("small")!.ProviderModelId);
        Assert.Equal([3, 1], config.FindModel("small")!.BackendRefs.Select(b => b.Weight));
        Assert.Equal("SMALL_KEY", config.FindModel("small")!.BackendRefs[0].ApiKeyEnv);
        Assert.Equal(["math", "default"], config.Routing.Decisions.Select(d => d.Name));
        Assert.Equal(["MoM", "auto"], config.Global.Router.AutoModelNames);
    }

    [Theory]
    [InlineData("modelRefs: [{model: large}, {model: small}]", "modelRefs: [{model: huge}, {model: small}]", "routing.decisions[0].modelRefs[0].model", "unknown model \"huge\"")]
    [InlineData("{type: keyword, name: math_terms}", "{type: keyword, name: algebra}", "routing.decisions[0].rules.conditions[0].name", "unknown keyword signal \"algebra\"")]
    [InlineData("{type: keyword, name: math_terms}", "{type: telepathy, name: math_terms}", "routing.decisions[0].rules.conditions[0].type", "unknown signal type \"telepathy\"")]
    [InlineData("keywords: [\"derivative\", \"integral\"]", "keywords: [\"deriv(ative\", \"integral\"]", "routing.signals.keywords[0].keywords[0]", "invalid regular expression")]
    [InlineData("keywords: [\"derivative\", \"integral\"]", "keywords: [\"derivative\", \" \"]", "routing.signals.keywords[0].keywords[1]", "expected a non-empty string")]
    [InlineData("keywords: [\"derivative\", \"integral\"]", "keywords: [\"\", \"deriv(ative\"]", "routing.signals.keywords[0].keywords[1]", "invalid regular expression")]
    [InlineData("auto_model_names: [MoM, auto]", "auto_model_names: [MoM, \"\"]", "global.router.auto_model_names[1]", "expected a non-empty string")]
    [InlineData("- name: default\n      priority: 1", "- name: math\n      priority: 1", "routing.decisions[1].name", "duplicate decision name \"math\"")]
    [InlineData("- name: large", "- name: small", "providers.models[1].name", "duplicate model name \"small\"")]
    [InlineData("  default_model: small\n", "", "providers.default_model", "is required")]
    [InlineData("  default_model: small", "  default_model: tiny", "providers.default_model", "unknown model \"tiny\"")]
    [InlineData("strategy: priority", "strategy: random", "routing.strategy", "must be one of priority | confidence")]
    [InlineData("priority: 100", "priority: high", "routing.decisions[0].priority", "expected an integer")]
    [InlineData("weight: 3}", "weight: -3}", "providers.models[0].backend_refs[0].weight", "must be between 0")]
    [InlineData("base_url: \"http://127.0.0.1:9003/v1\"", "base_url: \"ftp://x\"", "providers.models[1].backend_refs[0].base_url", "absolute http(s) URL")]
    [InlineData("api_key_env: SMALL_KEY", "api_key: sk-secret", "providers.models[0].api_key", "secrets are not read from config files")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      api_format: responses", "providers.models[0].api_format", "responses is not supported")]
    [InlineData("mode: insert}", "mode: shout}", "routing.decisions[0].plugins[0].configuration.mode", "must be one of insert | replace | append")]
    [InlineData("{type: system_prompt,", "{type: teleport,", "routing.decisions[0].plugins[0].type", "unknown plugin type \"teleport\"")]
    [InlineData("case_sensitive: false}", "case_sensitive: false, colour: red}", "routing.signals.keywords[0].colour", "unknown key \"colour\"")]
    [InlineData("operator: AND, conditions: [{type: keyword", "operator: NOT, conditions: [{type: keyword, name: math_terms}, {type: keyword", "routing.decisions[0].rules.conditions", "NOT takes exactly one condition")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {retry_on: \"5xx,sometimes\"}", "providers.models[0].reliability.retry_on", "unknown condition \"sometimes\"")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {lb_policy: maglev}", "providers.models[0].reliability.lb_policy", "must be one of random | round_robin | least_request")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {base_ejection_time: 5x}", "providers.models[0].reliability.base_ejection_time", "expected a duration")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {base_ejection_time: 30s, max_ejection_time: 10s}", "providers.models[0].reliability.max_ejection_time", "must not be shorter than base_ejection_time")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {max_ejection_percent: 150}", "providers.models[0].reliability.max_ejection_percent", "must be between 0 and 100")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {health_check_path: health}", "providers.models[0].reliability.health_check_path", "must be an absolute path")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {health_check_interval: 5s}", "providers.models[0].reliability.health_check_path", "is required when health_check_interval")]
    [InlineData("provider_model_id: qwen3-8b", "provider_model_id: qwen3-8b\n      reliability: {retries: 3}", "providers.models[0].reliability.retries", "unknown key")]
    public void A_problem_is_reported_with_its_yaml_path(string find, string replace, string path, string message)
    {
        Assert.Contains(find, Valid);
        var (config, errors) = Loader.TryLoad(Valid.Replace(find, replace, StringComparison.Ordinal));

        Assert.Null(config);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_anchors_reliability_block_loads_with_its_durations()
    {
        var config = Loader.Load(Valid.Replace("provider_model_id: qwen3-8b", """
            provider_model_id: qwen3-8b
                  reliability:
                    lb_policy: least_request
                    retry_count: 2
                    retry_on: connect-failure,refused-stream
                    consecutive_5xx: 5
                    base_ejection_time: 30s
                    max_ejection_percent: 50
                    health_check_path: /health
                    health_check_interval: 10s
                    health_check_timeout: 2s
            """, StringComparison.Ordinal));

        var r = config.FindModel("small")!.Reliability;
        Assert.Equal(LoadBalancingPolicy.LeastRequest, r.LbPolicy);
        Assert.Equal(2, r.RetryCount);
        Assert.Equal(RetryOn.ConnectFailure | RetryOn.Reset, r.RetryOn);
        Assert.Equal(TimeSpan.FromSeconds(30), r.BaseEjectionTime);
        Assert.Equal(TimeSpan.FromSeconds(300), r.MaxEjectionTime);
        Assert.Equal("/health", r.HealthCheckPath);
        Assert.Equal(TimeSpan.FromSeconds(2), r.HealthCheckTimeout);
        Assert.Equal(ReliabilityConfig.Default, config.FindModel("large")!.Reliability);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var broken = Valid
            .Replace("modelRefs: [{model: large}, {model: small}]", "modelRefs: [{model: huge}]", StringComparison.Ordinal)
            .Replace("name: math_terms}]}", "name: nope}]}", StringComparison.Ordinal)
            .Replace("  default_model: small", "  default_model: tiny", StringComparison.Ordinal);

        var e = Assert.Throws<ConfigValidationException>(() => Loader.Load(broken));

        Assert.Equal(3, e.Errors.Count);
        Assert.Contains("routing.decisions[0].modelRefs[0].model", e.Message);
        Assert.Contains("routing.decisions[0].rules.conditions[0].name", e.Message);
        Assert.Contains("providers.default_model", e.Message);
    }

    [Fact]
    public void Errors_carry_line_numbers()
    {
        var (_, errors) = Loader.TryLoad(Valid.Replace("{model: large}, {model: small}", "{model: huge}, {model: small}", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal(23, error.Line);
    }

    [Fact]
    public void Yaml_syntax_errors_are_reported_not_thrown()
    {
        var (config, errors) = Loader.TryLoad("version: v1\nproviders: [unclosed");

        Assert.Null(config);
        Assert.StartsWith("YAML syntax error", Assert.Single(errors).Message);
    }

    [Fact]
    public void Azure_openai_backend_requires_api_version_and_defaults_to_the_api_key_header()
    {
        var azure = Valid.Replace("backend_refs: [{name: c, base_url: \"http://127.0.0.1:9003/v1\"}]", "backend_refs: [{name: c, base_url: \"https://x.openai.azure.com\", provider: azure-openai}]", StringComparison.Ordinal);
        var (_, errors) = Loader.TryLoad(azure);
        Assert.Contains(errors, e => e.Path == "providers.models[1].backend_refs[0].api_version");

        var config = Loader.Load(azure.Replace("provider: azure-openai}", "provider: azure-openai, api_version: 2024-10-21, api_key_env: AOAI_KEY}", StringComparison.Ordinal));
        var backend = config.FindModel("large")!.BackendRefs[0];
        Assert.Equal(ProviderKind.AzureOpenAI, backend.Provider);
        Assert.Equal("api-key", backend.AuthHeader);
        Assert.Equal(string.Empty, backend.AuthPrefix);
    }

    [Fact]
    public void Api_format_anthropic_loads_with_the_x_api_key_header_and_is_checked()
    {
        var anthropic = Valid.Replace("provider_model_id: big-model", "provider_model_id: claude-sonnet-4-5\n      api_format: anthropic", StringComparison.Ordinal);
        var model = Loader.Load(anthropic).FindModel("large")!;
        Assert.Equal(ApiFormat.Anthropic, model.ApiFormat);
        Assert.Equal("x-api-key", model.BackendRefs[0].AuthHeader);
        Assert.Equal(string.Empty, model.BackendRefs[0].AuthPrefix);
        Assert.Equal(ApiFormat.ChatCompletions, Loader.Load(Valid).FindModel("large")!.ApiFormat);

        var (_, unknown) = Loader.TryLoad(anthropic.Replace("api_format: anthropic", "api_format: gemini", StringComparison.Ordinal));
        Assert.Contains(unknown, e => e.Path == "providers.models[1].api_format");

        var (_, azure) = Loader.TryLoad(anthropic.Replace("api_format: anthropic", "api_format: anthropic\n      provider: azure-openai\n      api_version: 2024-10-21", StringComparison.Ordinal));
        Assert.Contains(azure, e => e.Path == "providers.models[1].api_format" && e.Message.Contains("azure-openai", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_placeholders_expand_and_unset_ones_are_errors()
    {
        var templated = Valid.Replace("\"http://127.0.0.1:9003/v1\"", "\"${LARGE_URL}\"", StringComparison.Ordinal);
        var loader = new RouterConfigLoader(RouterExtensionsDefaults.CreateCore(), name => name == "LARGE_URL" ? "http://10.0.0.5:8000/v1" : null);
        Assert.Equal("http://10.0.0.5:8000/v1", loader.Load(templated).FindModel("large")!.BackendRefs[0].BaseUrl.ToString());

        var (config, errors) = Loader.TryLoad(templated);
        Assert.Null(config);
        Assert.Contains("LARGE_URL", Assert.Single(errors).Message);

        Assert.Equal("http://fallback/v1", Loader.Load(Valid.Replace("\"http://127.0.0.1:9003/v1\"", "\"${LARGE_URL:-http://fallback/v1}\"", StringComparison.Ordinal)).FindModel("large")!.BackendRefs[0].BaseUrl.ToString());
    }
}
