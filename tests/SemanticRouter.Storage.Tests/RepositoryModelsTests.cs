using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// Keeps the committed default models honest: standalone mode loads them from <c>models/</c>
/// exactly as listed in <c>models/manifest.json</c>, so a retrained model committed without
/// regenerating the manifest fails here rather than at a user's start-up.
/// </summary>
public sealed class RepositoryModelsTests
{
    [Fact]
    public async Task The_repository_models_folder_loads_in_standalone_mode_against_its_manifest()
    {
        var models = Path.Combine(RepoPaths.Root, "models");
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models, RefreshInterval = TimeSpan.Zero }, account: null);

        await store.EnsureLoadedAsync();

        var status = store.Status;
        Assert.True(status.Ready, status.Error);
        Assert.Equal(status.ModelsTotal, status.ModelsLoaded);
        Assert.DoesNotContain(status.Models, m => m.Name is "fixtures" or "tooling" or "training" or "reports");
    }
}
