using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Sessions;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Tests.Sessions;

/// <summary><c>global.router.session_affinity</c> is validated at load with errors naming the YAML path; safe defaults.</summary>
public sealed class SessionAffinitySettingsTests
{
    [Theory]
    [InlineData("enabled: maybe", "global.router.session_affinity.enabled", "")]
    [InlineData("ttl_seconds: 0", "global.router.session_affinity.ttl_seconds", "")]
    [InlineData("switch_margin: 1.5", "global.router.session_affinity.switch_margin", "")]
    [InlineData("switch_margin: -0.1", "global.router.session_affinity.switch_margin", "")]
    [InlineData("store: redis", "global.router.session_affinity.store", "must be one of")]
    [InlineData("store: table", "global.router.session_affinity.store", "no storage account with a table endpoint")]
    [InlineData("max_entries: 0", "global.router.session_affinity.max_entries", "")]
    [InlineData("table: 1sessions", "global.router.session_affinity.table", "Azure table name")]
    [InlineData("table: my-sessions", "global.router.session_affinity.table", "Azure table name")]
    [InlineData("store_timeout_ms: 5", "global.router.session_affinity.store_timeout_ms", "")]
    [InlineData("idle_timeout: 5", "global.router.session_affinity.idle_timeout", "unknown key")]
    public void Invalid_settings_are_load_errors_naming_the_path(string setting, string path, string message) =>
        GlobalSectionConfigs.AssertLoadError("router.session_affinity", setting, _ => null, path, message);

    [Fact]
    public void A_table_store_needs_the_accounts_table_endpoint_not_just_blob()
    {
        var blobOnly = new Dictionary<string, string> { ["AzureWebJobsStorage__blobServiceUri"] = "https://myaccount.blob.core.windows.net", ["AzureWebJobsStorage__credential"] = "managedidentity" };
        var (_, errors) = Load("store: table", name => blobOnly.GetValueOrDefault(name));
        Assert.Single(errors, e => e.Path == "global.router.session_affinity.store");

        var identity = new Dictionary<string, string> { ["AzureWebJobsStorage__accountName"] = "myaccount", ["AzureWebJobsStorage__credential"] = "managedidentity" };
        var (config, _) = Load("store: table", name => identity.GetValueOrDefault(name));
        Assert.Equal("table", SessionAffinitySettings.From(config!).Store);
    }

    [Fact]
    public void Affinity_is_off_by_default_with_a_bounded_memory_store_or_a_table_when_the_account_has_one()
    {
        var absent = SessionAffinitySettings.From(Load(null, _ => null).Config!);
        Assert.Equal(SessionAffinitySettings.Default, absent);
        Assert.Equal((false, TimeSpan.FromMinutes(30), 0.05, "memory", 10_000, "routersessions", TimeSpan.FromSeconds(1)), (absent.Enabled, absent.Ttl, absent.SwitchMargin, absent.Store, absent.MaxEntries, absent.Table, absent.StoreTimeout));

        Assert.Equal(SessionAffinitySettings.Default with { Enabled = true }, SessionAffinitySettings.From(Load("enabled: true", _ => null).Config!));
        Assert.Equal("table", SessionAffinitySettings.From(Load("enabled: true", GlobalSectionConfigs.WithStorage).Config!).Store);

        var set = SessionAffinitySettings.From(Load("{enabled: true, ttl_seconds: 120, switch_margin: 0.2, store: memory, max_entries: 50, table: chats, store_timeout_ms: 250}", _ => null).Config!);
        Assert.Equal(new SessionAffinitySettings(true, TimeSpan.FromMinutes(2), 0.2, "memory", 50, "chats", TimeSpan.FromMilliseconds(250)), set);
    }

    private static (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? section, Func<string, string?> environment) =>
        GlobalSectionConfigs.Load("router.session_affinity", section, environment);
}
