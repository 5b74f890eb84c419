using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Tests;

/// <summary>Keyword rules: operators, regex vs literal, case sensitivity, word boundaries; context sizes.</summary>
public sealed class KeywordSignalTests
{
    [Theory]
    [InlineData("operator: OR, keywords: [derivative, integral]", "The Integral of x", true)]
    [InlineData("operator: OR, keywords: [derivative, integral], case_sensitive: true", "The Integral of x", false)]
    [InlineData("operator: AND, keywords: [derivative, integral]", "the integral of x", false)]
    [InlineData("operator: AND, keywords: [derivative, integral]", "derivative and integral", true)]
    [InlineData("operator: NOR, keywords: [derivative, integral]", "hello world", true)]
    [InlineData("operator: NOR, keywords: [derivative, integral]", "an integral", false)]
    [InlineData("keywords: ['\\bv\\d+\\.\\d+']", "upgrade to v2.14 now", true)]
    [InlineData("method: literal, keywords: ['c++']", "is c++ hard?", true)]
    [InlineData("method: literal, keywords: ['a.b']", "axb", false)]
    [InlineData("keywords: ['a.b']", "axb", true)]
    [InlineData("word_boundary: true, keywords: [cat]", "concatenate strings", false)]
    [InlineData("word_boundary: true, keywords: [cat]", "my cat, please", true)]
    [InlineData("word_boundary: false, keywords: [cat]", "concatenate strings", true)]
    public async Task Keyword_rule_matches_as_configured(string rule, string prompt, bool expected)
    {
        var results = await EvaluateAsync("keywords", $"- {{name: k, {rule}}}", prompt);
        Assert.Equal(expected, results.Single().Matched);
    }

    [Fact]
    public async Task Keyword_rule_reports_which_keywords_matched()
    {
        var match = (await EvaluateAsync("keywords", "- {name: k, keywords: [alpha, beta, gamma]}", "beta then alpha")).Single();
        Assert.Equal(["alpha", "beta"], Assert.IsType<List<string>>(match.Detail));
        Assert.Equal(1.0, match.Confidence);
    }

    [Theory]
    [InlineData("min_tokens: 4K", 3000, false)]
    [InlineData("min_tokens: 4K", 20000, true)]
    [InlineData("max_tokens: 100", 200, true)]
    [InlineData("max_tokens: 100", 2000, false)]
    [InlineData("min_tokens: 1K, max_tokens: 8K", 10000, true)]
    public async Task Context_rule_buckets_the_estimated_prompt_size(string rule, int characters, bool expected)
    {
        var results = await EvaluateAsync("context", $"- {{name: c, {rule}}}", new string('x', characters));
        Assert.Equal(expected, results.Single().Matched);
    }

    [Fact]
    public void Context_bounds_accept_k_and_m_suffixes_and_reject_nonsense()
    {
        var (_, errors) = new RouterConfigLoader(RouterExtensionsDefaults.CreateCore(), _ => null).TryLoad(Config("context", "- {name: c, min_tokens: lots}"));
        Assert.Contains(errors, e => e.Path == "routing.signals.context[0].min_tokens");
    }

    private static async Task<IReadOnlyList<SignalMatch>> EvaluateAsync(string key, string rules, string prompt)
    {
        var extensions = RouterExtensionsDefaults.CreateCore();
        var config = new RouterConfigLoader(extensions, _ => null).Load(Config(key, rules));
        var kind = extensions.KindByConfigKey(key)!;
        var evaluator = kind.CreateEvaluator(config.Routing.Signals[key]);
        var request = ChatRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"MoM","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]}"""), 100);
        return await evaluator.EvaluateAsync(new SignalContext(request, new Dictionary<string, string>()), CancellationToken.None);
    }

    private static string Config(string key, string rules) => $"""
        version: v1
        providers:
          default_model: m
          models: [{"{"}name: m, backend_refs: [{"{"}base_url: "http://127.0.0.1:1/v1"{"}"}]{"}"}]
        routing:
          signals:
            {key}:
              {rules}
        """;
}
