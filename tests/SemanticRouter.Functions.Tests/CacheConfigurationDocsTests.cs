using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// configuration.md's defaults for <c>global.stores.response_cache</c> are what the app uses when a config leaves the
/// key out: the embedder the app's cache uses and the similarity threshold tuned for it.
/// </summary>
public sealed partial class CacheConfigurationDocsTests
{
    [GeneratedRegex(@"^\| `(?<key>[a-z_.]+)` \| `(?<value>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DefaultRow();

    [Fact]
    public async Task The_documented_embedding_model_and_similarity_threshold_defaults_are_the_apps()
    {
        var full = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "configuration.md"));
        var start = full.IndexOf("### `global.stores.response_cache`", StringComparison.Ordinal);
        Assert.True(start >= 0, "configuration.md has a global.stores.response_cache section");
        var end = full.IndexOf("\n#", start + 10, StringComparison.Ordinal);
        var doc = full[start..(end < 0 ? full.Length : end)];
        var defaults = DefaultRow().Matches(doc).GroupBy(m => m.Groups["key"].Value).ToDictionary(g => g.Key, g => g.First().Groups["value"].Value);
        Assert.True(defaults.ContainsKey("embedding_model"), "configuration.md gives the default embedding_model");

        await using var router = await RunningRouter.StartAsync(GlobalSectionConfigs.Minimal);
        var global = (ResponseCacheGlobalSettings)router.Services.GetRequiredService<IRouterSnapshotSource>().Current.Config.Global.Extensions[ResponseCacheGlobalSection.SectionPath]!;
        var runtime = router.Services.GetRequiredService<ResponseCacheRuntime>();

        Assert.Equal(defaults["embedding_model"], global.EmbeddingModel);
        Assert.Equal(defaults["embedding_model"], runtime.Embedder(global.EmbeddingModel).ConfigName);
        Assert.Equal(global.SimilarityThreshold, double.Parse(defaults["similarity_threshold"], CultureInfo.InvariantCulture));
        Assert.Equal(global.MaxBytes, long.Parse(defaults["max_bytes"], CultureInfo.InvariantCulture));
        Assert.Equal(global.MaxEntries, int.Parse(defaults["max_entries"], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("max_bytes: 1000", "global.stores.response_cache.max_bytes")]
    [InlineData("max_bytes: lots", "global.stores.response_cache.max_bytes")]
    [InlineData("embedding_model: sentence-embedder@0123456789ab", "global.stores.response_cache.embedding_model")]
    public void Invalid_store_settings_are_load_errors_naming_the_path(string setting, string path)
    {
        var (config, errors) = Load("{" + setting + "}");

        Assert.Null(config);
        Assert.Single(errors, e => e.Path == path);
    }

    [Fact]
    public void The_default_threshold_follows_the_embedder_unless_set()
    {
        Assert.Equal((ResponseCacheGlobalSettings.SentenceEmbedderSimilarityThreshold, "sentence-embedder"), Threshold(null));
        Assert.Equal((ResponseCacheGlobalSettings.HashingSimilarityThreshold, "hashing-ngram-512-v1"), Threshold("{embedding_model: hashing-ngram-512-v1}"));
        Assert.Equal((0.93, "hashing-ngram-512-v1"), Threshold("{embedding_model: hashing-ngram-512-v1, similarity_threshold: 0.93}"));
        Assert.Equal((0.91, "sentence-embedder"), Threshold("{similarity_threshold: 0.91}"));
        Assert.Equal(1234567L, ((ResponseCacheGlobalSettings)Load("{max_bytes: 1234567}").Config!.Global.Extensions[ResponseCacheGlobalSection.SectionPath]!).MaxBytes);

        static (double, string) Threshold(string? section)
        {
            var global = (ResponseCacheGlobalSettings)Load(section).Config!.Global.Extensions[ResponseCacheGlobalSection.SectionPath]!;
            return (global.SimilarityThreshold, global.EmbeddingModel);
        }
    }

    private static (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? section) =>
        GlobalSectionConfigs.Load(ResponseCacheGlobalSection.SectionPath, section);
}
