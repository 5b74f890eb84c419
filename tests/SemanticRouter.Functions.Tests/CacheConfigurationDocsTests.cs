using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// configuration.md's defaults for <c>global.stores.response_cache</c> are what the app uses when a config leaves the
/// key out: the embedder the app's cache runtime picks for no name, and the similarity threshold.
/// </summary>
public sealed partial class CacheConfigurationDocsTests
{
    [GeneratedRegex(@"^\| `(?<key>[a-z_.]+)` \| `(?<value>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DefaultRow();

    [Fact]
    public async Task The_documented_embedding_model_and_similarity_threshold_defaults_are_the_apps()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "configuration.md"));
        var defaults = DefaultRow().Matches(doc).GroupBy(m => m.Groups["key"].Value).ToDictionary(g => g.Key, g => g.First().Groups["value"].Value);
        Assert.True(defaults.ContainsKey("embedding_model"), "configuration.md gives the default embedding_model");

        await using var router = await RunningRouter.StartAsync("""
            version: v1
            providers:
              default_model: m
              models: [{name: m, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}]
            routing:
              decisions: [{name: all, rules: {operator: AND, conditions: []}, modelRefs: [{model: m}]}]
            """);
        var runtime = router.Services.GetRequiredService<ResponseCacheRuntime>();

        Assert.Equal(defaults["embedding_model"], runtime.Embedder(null).ConfigName);
        Assert.Equal(ResponseCacheGlobalSettings.DefaultSimilarityThreshold, double.Parse(defaults["similarity_threshold"], CultureInfo.InvariantCulture));
    }
}
