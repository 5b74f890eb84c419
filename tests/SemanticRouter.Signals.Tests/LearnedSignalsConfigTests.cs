using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Tests;

/// <summary>Binding learned-signal config needs no models or services (as <c>validate</c> runs), and reports mistakes by path.</summary>
public sealed class LearnedSignalsConfigTests
{
    private static readonly RouterConfigLoader Loader = new(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null);

    [Fact]
    public void The_example_config_validates_without_models()
    {
        var (config, errors) = Loader.TryLoad(File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "examples", "learned-signals.yaml")));
        Assert.True(config is not null, string.Join("\n", errors));
    }

    [Fact]
    public void Unknown_categories_pii_types_and_missing_candidates_are_reported_with_their_paths()
    {
        var yaml = RouterEndToEndTests.Config("http://127.0.0.1:9/v1")
            .Replace("domains: [{name: math}, {name: law}]", "domains: [{name: maths}, {name: stem, mmlu_categories: [physics, alchemy]}]", StringComparison.Ordinal)
            .Replace("pii: [{name: any_pii, pii_types_allowed: []}]", "pii: [{name: any_pii, pii_types_allowed: [EMAIL, SHOE_SIZE]}]\n    embeddings: [{name: e, candidates: []}]", StringComparison.Ordinal);
        var (config, errors) = Loader.TryLoad(yaml);
        Assert.Null(config);
        var text = string.Join("\n", errors);
        Assert.Contains("routing.signals.domains[0].name", text, StringComparison.Ordinal);
        Assert.Contains("routing.signals.domains[1].mmlu_categories[1]", text, StringComparison.Ordinal);
        Assert.Contains("routing.signals.pii[0].pii_types_allowed[1]", text, StringComparison.Ordinal);
        Assert.Contains("routing.signals.embeddings[0].candidates", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pii_types_allowed[0]", text, StringComparison.Ordinal);
    }
}
