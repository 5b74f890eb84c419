using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.Preference;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>The HaluGate/feedback example binds what it documents (every example loading at all: Functions ConfigExamplesTests).</summary>
public sealed class ExampleConfigTests
{
    private static readonly RouterConfigLoader Loader = new(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()));

    [Fact]
    public void HaluGate_and_feedback_example_binds_the_plugin_the_preference_and_the_feedback_algorithm()
    {
        var config = Loader.LoadFile(Path.Combine(RepoPaths.Root, "config", "examples", "halugate-feedback.yaml"));

        var rag = config.Routing.Decisions.Single(d => d.Name == "rag_answers");
        var settings = Assert.IsType<HallucinationSettings>(Assert.Single(rag.Plugins).Settings);
        Assert.Equal(new HallucinationSettings(HallucinationMode.Both, HallucinationAction.Header, 0.6, true), settings);
        var brief = Assert.IsType<PreferenceRule>(Assert.Single(config.Routing.Signals["preferences"]));
        Assert.Equal(4, brief.Examples.Count);
        Assert.Equal("feedback", config.Routing.Decisions.Single(d => d.Name == "chat").Algorithm.Type);
    }
}
