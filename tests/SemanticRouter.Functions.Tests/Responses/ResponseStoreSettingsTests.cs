using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Responses.Store;

namespace SemanticRouter.Functions.Tests.Responses;

/// <summary><c>global.stores.responses</c> is validated at load with errors naming the YAML path; its defaults follow the storage setting.</summary>
public sealed class ResponseStoreSettingsTests
{
    [Theory]
    [InlineData("backend_type: blob", "global.stores.responses.backend_type", "no storage account is configured")]
    [InlineData("backend_type: disk", "global.stores.responses.backend_type", "must be one of")]
    [InlineData("max_entries: 0", "global.stores.responses.max_entries", "")]
    [InlineData("max_bytes: 10", "global.stores.responses.max_bytes", "")]
    [InlineData("ttl_seconds: 5", "global.stores.responses.ttl_seconds", "")]
    [InlineData("container: Bad_Name", "global.stores.responses.container", "container name")]
    [InlineData("colour: red", "global.stores.responses.colour", "unknown key")]
    public void Invalid_settings_are_load_errors_naming_the_path(string setting, string path, string message) =>
        GlobalSectionConfigs.AssertLoadError("stores.responses", setting, _ => null, path, message);

    [Fact]
    public void Defaults_are_memory_without_a_storage_account_and_blob_with_one()
    {
        var memory = ResponseStoreSettings.From(Load(null, _ => null).Config!);
        Assert.Equal(ResponseStoreSettings.Default, memory);
        Assert.Equal(("memory", 1000, 64L * 1024 * 1024, TimeSpan.FromDays(1), "responses"), (memory.BackendType, memory.MaxEntries, memory.MaxBytes, memory.Ttl, memory.Container));

        var blob = ResponseStoreSettings.From(Load(null, GlobalSectionConfigs.WithStorage).Config!);
        Assert.Equal("blob", blob.BackendType);

        var set = ResponseStoreSettings.From(Load("{backend_type: memory, max_entries: 5, max_bytes: 2048, ttl_seconds: 120, container: chats}", _ => null).Config!);
        Assert.Equal(new ResponseStoreSettings("memory", 5, 2048, TimeSpan.FromMinutes(2), "chats"), set);
    }

    private static (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? section, Func<string, string?> environment) =>
        GlobalSectionConfigs.Load("stores.responses", section, environment);
}
