using System.Text.Json;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Storage.Tests;

public sealed class LocalModelStoreTests
{
    [Fact]
    public async Task Without_storage_models_load_in_place_from_the_local_folder_and_manifest()
    {
        using var models = FakeModelFolder.Create(("domain", 2000), ("pii", 1000));
        await ModelManifestWriter.WriteAsync(models.Root);
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models.Root, RefreshInterval = TimeSpan.Zero }, account: null);

        await store.StartAsync();
        await store.WhenReady.WaitAsync(TimeSpan.FromSeconds(30));
        var domain = await store.GetAsync("domain");

        Assert.Equal(Path.Combine(models.Root, "domain"), domain.Directory);
        Assert.Equal(["alpha", "beta", "gamma"], domain.Labels);
        Assert.Equal("local", store.Status.Source);
        Assert.Equal(2, store.Status.ModelsLoaded);
    }

    [Fact]
    public async Task Status_serializes_as_the_ready_endpoint_body()
    {
        using var models = FakeModelFolder.Create(("domain", 2000));
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models.Root }, account: null);
        await store.EnsureLoadedAsync();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(store.Status, ModelStoreJsonContext.Default.ModelStoreStatus));

        var root = json.RootElement;
        Assert.True(root.GetProperty("ready").GetBoolean());
        Assert.Equal(1, root.GetProperty("modelsLoaded").GetInt32());
        Assert.Equal(root.GetProperty("bytesTotal").GetInt64(), root.GetProperty("bytesLoaded").GetInt64());
        var model = root.GetProperty("models")[0];
        Assert.Equal("domain", model.GetProperty("name").GetString());
        Assert.Equal("Loaded", model.GetProperty("state").GetString());
        Assert.True(model.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Without_a_manifest_one_is_computed_from_the_folders()
    {
        using var models = FakeModelFolder.Create(("domain", 2000));
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models.Root }, account: null);

        await store.EnsureLoadedAsync();

        Assert.Equal("sequence-classifier", (await store.GetAsync("domain")).Kind);
    }

    [Fact]
    public async Task A_file_that_no_longer_matches_the_manifest_is_named_in_the_error()
    {
        using var models = FakeModelFolder.Create(("domain", 2000));
        await ModelManifestWriter.WriteAsync(models.Root);
        File.WriteAllBytes(Path.Combine(models.Root, "domain", "tokenizer.json"), [1, 2, 3]);
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models.Root }, account: null);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.EnsureLoadedAsync());

        Assert.Equal(("domain", "tokenizer.json"), (error.Model, error.File));
        Assert.False(store.Status.Ready);
    }

    [Fact]
    public async Task Refresh_notices_a_regenerated_local_manifest()
    {
        using var models = FakeModelFolder.Create(("domain", 2000));
        await ModelManifestWriter.WriteAsync(models.Root);
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = models.Root }, account: null);
        await store.EnsureLoadedAsync();

        models.AddModel("pii", 100, "BertForTokenClassification");
        await ModelManifestWriter.WriteAsync(models.Root);

        Assert.True(await store.RefreshAsync());
        Assert.Equal("token-classifier", (await store.GetAsync("pii")).Kind);
        Assert.False(await store.RefreshAsync());
    }
}
