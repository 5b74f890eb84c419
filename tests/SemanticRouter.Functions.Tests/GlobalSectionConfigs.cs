using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Loads the smallest valid router config with one <c>global</c> section set, through the app's own config
/// extensions (the binders the host registers), for tests of that section's validation and defaults.
/// </summary>
internal static class GlobalSectionConfigs
{
    /// <summary>One model, one catch-all decision; nothing else.</summary>
    public const string Minimal = """
        version: v1
        providers:
          default_model: m
          models: [{name: m, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}]
        routing:
          decisions: [{name: all, rules: {operator: AND, conditions: []}, modelRefs: [{model: m}]}]
        """;

    /// <param name="path">The section below <c>global</c>, dotted: <c>stores.responses</c>, <c>router.session_affinity</c>.</param>
    /// <param name="section">Its YAML body (a flow mapping, braces optional), or null to leave the section out.</param>
    public static (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string path, string? section, Func<string, string?>? environment = null)
    {
        environment ??= _ => null;
        var yaml = Minimal;
        if (section is not null)
        {
            var keys = path.Split('.');
            yaml += "\nglobal:";
            for (var i = 0; i < keys.Length; i++)
            {
                yaml += "\n" + new string(' ', 2 * (i + 1)) + keys[i] + ":";
            }

            yaml += " " + (section.StartsWith('{') ? section : "{" + section + "}") + "\n";
        }

        var services = new ServiceCollection().AddSingleton(new RouterHostOptions { Environment = environment }).BuildServiceProvider();
        return new RouterConfigLoader(HostExtensions.Create(services), environment).TryLoad(yaml);
    }
}
