using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>Every shipped example config loads with the app's full set of extensions (docs stay honest).</summary>
public sealed class ConfigExamplesTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_config_is_valid(string relativePath)
    {
        var loader = new RouterConfigLoader(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null);
        var (config, errors) = loader.TryLoad(File.ReadAllText(Path.Combine(RepoPaths.Root, relativePath)));
        Assert.True(config is not null, string.Join("\n", errors));
    }
}
