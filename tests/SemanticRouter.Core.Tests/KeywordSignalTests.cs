using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Signals;
using SemanticRouter.Core.Signals.Keyword;
using SemanticRouter.Testing;

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
    // Joined into one scan: the answer and the matched list are those of the per-keyword scans.
    [InlineData("operator: OR, keywords: [alpha, beta, gamma]", "nothing here", false, "")]
    [InlineData("operator: OR, keywords: [alpha, beta, gamma]", "gamma and alpha", true, "alpha,gamma")]
    [InlineData("operator: NOR, keywords: [alpha, beta]", "nothing here", true, "")]
    [InlineData("operator: AND, keywords: [alpha, beta]", "only beta", false, "")]
    [InlineData("word_boundary: true, keywords: [cat, dog]", "concatenate hotdogs", false, "")]
    [InlineData("method: literal, keywords: ['a.b', 'c+']", "axb c+", true, "c+")]
    // Not joinable: in one alternation \1 would point at the first keyword's group, which never took part.
    [InlineData("keywords: ['(a)b', '(\\w)\\1']", "hello", true, "(\\w)\\1")]
    // Not joinable: (?x) makes the rest of the pattern, a closing parenthesis included, a comment.
    [InlineData("keywords: ['(?x) z e d # spaced', 'omega']", "zed", true, "(?x) z e d # spaced")]
    public async Task Keyword_rules_answer_the_same_whether_or_not_their_keywords_share_one_scan(string rule, string prompt, bool expected, string keywords)
    {
        var match = (await EvaluateAsync("keywords", $"- {{name: k, {rule}}}", prompt)).Single();
        Assert.Equal(expected, match.Matched);
        Assert.Equal(keywords, match.Detail is List<string> found ? string.Join(',', found) : string.Empty);
    }

    [Fact]
    public async Task A_joined_scan_that_times_out_decides_nothing_and_each_keyword_is_tried()
    {
        // (a+)+$ backtracks exponentially on a run of a's that does not end the text: the joined scan reaches it
        // first and hits the 50 ms match timeout; the rule must still find "beta" on its own scan.
        var prompt = new string('a', 40) + "! beta";
        var match = (await EvaluateAsync("keywords", "- {name: k, keywords: ['(a+)+$', beta]}", prompt)).Single();

        Assert.True(match.Matched);
        Assert.Equal(["beta"], Assert.IsType<List<string>>(match.Detail));
    }

    [Theory]
    [InlineData("keywords: [alpha, beta]", true)]
    [InlineData("method: literal, keywords: ['(?x', '\\1']", true)]
    [InlineData("keywords: [alpha]", false)]
    [InlineData("keywords: ['(a)b', '(\\w)\\1']", false)]
    [InlineData("keywords: ['(?<w>a)\\k<w>', beta]", false)]
    [InlineData("keywords: ['(?i)alpha', beta]", false)]
    public void Keywords_share_one_scan_only_when_their_patterns_mean_the_same_joined(string rule, bool joined)
    {
        var config = new RouterConfigLoader(RouterExtensionsDefaults.CreateCore(), _ => null).Load(RouterYaml.SignalsOnly("keywords", $"- {{name: k, {rule}}}"));
        var keywordRule = Assert.IsType<KeywordRule>(config.Routing.Signals["keywords"].Single());
        Assert.Equal(joined, keywordRule.AnyMatcher is not null);
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
        var (_, errors) = new RouterConfigLoader(RouterExtensionsDefaults.CreateCore(), _ => null).TryLoad(RouterYaml.SignalsOnly("context", "- {name: c, min_tokens: lots}"));
        Assert.Contains(errors, e => e.Path == "routing.signals.context[0].min_tokens");
    }

    private static async Task<IReadOnlyList<SignalMatch>> EvaluateAsync(string key, string rules, string prompt)
    {
        var extensions = RouterExtensionsDefaults.CreateCore();
        var config = new RouterConfigLoader(extensions, _ => null).Load(RouterYaml.SignalsOnly(key, rules));
        var kind = extensions.KindByConfigKey(key)!;
        var evaluator = kind.CreateEvaluator(config.Routing.Signals[key]);
        var request = ChatRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"MoM","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]}"""), 100);
        return await evaluator.EvaluateAsync(new SignalContext(request, new Dictionary<string, string>()), CancellationToken.None);
    }
}
