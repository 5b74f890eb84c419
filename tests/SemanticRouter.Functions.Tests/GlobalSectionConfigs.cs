using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

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

    /// <summary>
    /// An environment with <c>AzureWebJobsStorage</c> set: the development account with blob, queue and table endpoints
    /// on a closed port (loading a config never connects).
    /// </summary>
    public static readonly Func<string, string?> WithStorage = name => name == "AzureWebJobsStorage"
        ? $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:9/{AzuriteServer.AccountName};QueueEndpoint=http://127.0.0.1:9/{AzuriteServer.AccountName};TableEndpoint=http://127.0.0.1:9/{AzuriteServer.AccountName};"
        : null;

    /// <summary>Loading the section fails with exactly one error at <paramref name="errorPath"/> whose message contains <paramref name="message"/>.</summary>
    public static void AssertLoadError(string path, string section, Func<string, string?> environment, string errorPath, string message)
    {
        var (config, errors) = Load(path, section, environment);

        Assert.Null(config);
        var error = Assert.Single(errors, e => e.Path == errorPath);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

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
