using System.Security.Cryptography;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobModelStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly StorageAccount _direct = TestAccounts.SharedKey(azurite);
    private readonly TempDirectory _cache = new();
    private readonly string _container = TestAccounts.UniqueName("models");
    private CountingProxy _proxy = null!;
    private StorageAccount _viaProxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = await CountingProxy.StartAsync(azurite.BlobEndpoint);
        _viaProxy = TestAccounts.ThroughProxy(azurite, _proxy);
    }

    public async Task DisposeAsync()
    {
        _viaProxy.Dispose();
        _direct.Dispose();
        await _proxy.DisposeAsync();
        _cache.Dispose();
    }

    [Fact]
    public async Task Concurrent_cold_requests_share_exactly_one_transfer_per_file()
    {
        using var models = FakeModelFolder.Create(("domain", 300_000), ("jailbreak", 200_000));
        var manifest = (await ModelUploader.UploadAsync(_direct.GetBlobClient(_container), models.Root)).Manifest;
        await using var store = NewStore();

        var locations = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => store.GetAsync(i % 2 == 0 ? "domain" : "jailbreak").AsTask()));

        Assert.Single(locations.Where(l => l.Name == "domain").Select(l => l.Directory).Distinct());
        foreach (var model in manifest.Models)
        {
            foreach (var file in model.Files)
            {
                Assert.Equal(1, _proxy.Count("GET", $"/{_container}/{model.Name}/{file.Path}"));
                var local = Path.Combine(locations.First(l => l.Name == model.Name).Directory, file.Path);
                Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(local))));
            }
        }

        Assert.Equal(1, _proxy.Count("GET", $"/{_container}/manifest.json"));
        Assert.Equal(6, _proxy.Requests.Count(r => r.Method == "GET") - 1);
        Assert.True(store.WhenReady.IsCompletedSuccessfully);
        var status = store.Status;
        Assert.True(status.Ready);
        Assert.Equal(2, status.ModelsLoaded);
        Assert.Equal(status.BytesTotal, status.BytesLoaded);
        Assert.Equal("blob", status.Source);
    }

    [Fact]
    public async Task A_warm_restart_with_an_unchanged_manifest_transfers_nothing()
    {
        using var models = FakeModelFolder.Create(("domain", 100_000));
        await ModelUploader.UploadAsync(_direct.GetBlobClient(_container), models.Root);
        await using (var first = NewStore())
        {
            await first.EnsureLoadedAsync();
        }

        _proxy.Reset();
        await using var restarted = NewStore();
        await restarted.EnsureLoadedAsync();

        var request = Assert.Single(_proxy.Requests);
        Assert.Equal(("GET", 304), (request.Method, request.Status));
        Assert.EndsWith("/manifest.json", request.Path, StringComparison.Ordinal);
        Assert.Equal(0, _proxy.ResponseBytes);
        Assert.True(restarted.Status.Ready);
    }

    [Fact]
    public async Task A_warm_cache_serves_models_when_storage_is_unreachable_at_start()
    {
        using var models = FakeModelFolder.Create(("domain", 10_000));
        await ModelUploader.UploadAsync(_direct.GetBlobClient(_container), models.Root);
        string directory;
        await using (var first = NewStore())
        {
            directory = (await first.GetAsync("domain")).Directory;
        }

        using var unreachable = new StorageAccount(
            new StorageAccountOptions { AccountName = AzuriteServer.AccountName, AccountKey = AzuriteServer.AccountKey, BlobEndpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/{AzuriteServer.AccountName}") },
            TestAccounts.FastRetry);
        await using var offline = ModelStoreFactory.Create(new ModelStoreOptions { Container = _container, CacheDirectory = _cache.Path, RefreshInterval = TimeSpan.Zero }, unreachable);

        await offline.EnsureLoadedAsync();

        Assert.Equal(directory, (await offline.GetAsync("domain")).Directory);
        Assert.True(offline.Status.Ready);
    }

    [Fact]
    public async Task A_corrupted_blob_fails_with_model_and_file_named_and_leaves_nothing_in_the_cache()
    {
        using var models = FakeModelFolder.Create(("domain", 50_000));
        var blobs = _direct.GetBlobClient(_container);
        await ModelUploader.UploadAsync(blobs, models.Root);
        var tampered = RandomNumberGenerator.GetBytes(50_000);
        await blobs.UploadAsync("domain/onnx/model.onnx", new MemoryStream(tampered));
        await using var store = NewStore();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.GetAsync("domain").AsTask());

        Assert.Equal("domain", error.Model);
        Assert.Equal("onnx/model.onnx", error.File);
        Assert.Contains("sha256 mismatch", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_cache.Path, "domain")));
        var status = store.Status;
        Assert.False(status.Ready);
        Assert.Equal(ModelLoadState.Failed, status.Models.Single().State);
        Assert.Contains("onnx/model.onnx", status.Models.Single().Error, StringComparison.Ordinal);
        Assert.False(store.WhenReady.IsCompleted);
    }

    [Fact]
    public async Task A_changed_blob_is_picked_up_by_refresh_without_failing_concurrent_requests()
    {
        using var models = FakeModelFolder.Create(("domain", 100_000), ("pii", 20_000));
        var blobs = _direct.GetBlobClient(_container);
        await ModelUploader.UploadAsync(blobs, models.Root);
        await using var store = NewStore();
        await store.EnsureLoadedAsync();
        var before = await store.GetAsync("domain");
        var changes = new List<ModelSetChangedEventArgs>();
        store.ModelsChanged += (_, e) => changes.Add(e);

        Assert.False(await store.RefreshAsync());
        File.WriteAllBytes(Path.Combine(models.Root, "domain", "onnx", "model.onnx"), RandomNumberGenerator.GetBytes(120_000));
        await ModelUploader.UploadAsync(blobs, models.Root);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = new HashSet<string>();
            while (!stop.IsCancellationRequested)
            {
                var location = await store.GetAsync("domain");
                Assert.True(File.Exists(location.PathOf("onnx/model.onnx")));
                seen.Add(location.ContentHash);
            }

            return seen;
        })).ToList();
        var refreshed = await store.RefreshAsync();
        await stop.CancelAsync();
        var seenHashes = (await Task.WhenAll(readers)).SelectMany(s => s).ToHashSet();

        Assert.True(refreshed);
        var after = await store.GetAsync("domain");
        Assert.NotEqual(before.ContentHash, after.ContentHash);
        Assert.NotEqual(before.Directory, after.Directory);
        Assert.Equal(120_000, new FileInfo(after.PathOf("onnx/model.onnx")).Length);
        Assert.Subset(new HashSet<string> { before.ContentHash, after.ContentHash }, seenHashes);
        var change = Assert.Single(changes);
        Assert.Equal(["domain"], change.ChangedModels);
        Assert.Equal(store.Version, change.Version);
        Assert.Equal(2, store.Version);
        Assert.True(store.Status.Ready);
    }

    [Fact]
    public async Task The_background_refresh_timer_swaps_in_a_re_uploaded_model()
    {
        using var models = FakeModelFolder.Create(("domain", 30_000));
        var blobs = _direct.GetBlobClient(_container);
        await ModelUploader.UploadAsync(blobs, models.Root);
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { Container = _container, CacheDirectory = _cache.Path, RefreshInterval = TimeSpan.FromMilliseconds(200) }, _viaProxy);
        var changed = new TaskCompletionSource<ModelSetChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.ModelsChanged += (_, e) => changed.TrySetResult(e);
        await store.StartAsync();
        await store.WhenReady.WaitAsync(TimeSpan.FromSeconds(30));
        var before = await store.GetAsync("domain");

        File.WriteAllBytes(Path.Combine(models.Root, "domain", "tokenizer.json"), RandomNumberGenerator.GetBytes(5000));
        await ModelUploader.UploadAsync(blobs, models.Root);
        var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["domain"], change.ChangedModels);
        var after = await store.GetAsync("domain");
        Assert.NotEqual(before.ContentHash, after.ContentHash);
        Assert.Equal(5000, new FileInfo(after.PathOf("tokenizer.json")).Length);
        Assert.True(Directory.Exists(before.Directory), "the previous version stays on disk for readers that still use it");
    }

    [Fact]
    public async Task Background_start_reports_progress_and_becomes_ready()
    {
        using var models = FakeModelFolder.Create(("domain", 64_000));
        await ModelUploader.UploadAsync(_direct.GetBlobClient(_container), models.Root);
        await using var store = NewStore();

        await store.StartAsync();
        await store.WhenReady.WaitAsync(TimeSpan.FromSeconds(30));

        var status = store.Status;
        Assert.True(status.Ready);
        Assert.Equal(1, status.ModelsTotal);
        Assert.Equal(ModelLoadState.Loaded, status.Models[0].State);
        Assert.Null(status.Error);
    }

    [Fact]
    public async Task An_oversized_manifest_blob_is_refused_without_being_read_into_memory()
    {
        var blobs = _direct.GetBlobClient(_container);
        await blobs.CreateContainerIfNotExistsAsync();
        await blobs.UploadAsync("manifest.json", new MemoryStream(new byte[ModelManifestJson.MaxBytes + 1]));
        await using var store = NewStore();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.EnsureLoadedAsync());

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
        Assert.False(store.Status.Ready);
        Assert.Contains("manifest", store.Status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_models_are_reported_by_name()
    {
        using var models = FakeModelFolder.Create(("domain", 1000));
        await ModelUploader.UploadAsync(_direct.GetBlobClient(_container), models.Root);
        await using var store = NewStore();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.GetAsync("nope").AsTask());

        Assert.Equal("nope", error.Model);
    }

    [Fact]
    public async Task Upload_skips_files_whose_blob_already_has_the_same_hash()
    {
        using var models = FakeModelFolder.Create(("domain", 1000));
        var blobs = _direct.GetBlobClient(_container);
        var first = await ModelUploader.UploadAsync(blobs, models.Root);
        var second = await ModelUploader.UploadAsync(blobs, models.Root);

        Assert.Equal(3, first.FilesUploaded);
        Assert.Equal(0, second.FilesUploaded);
        Assert.Equal(3, second.FilesSkipped);
        Assert.NotNull(await blobs.GetPropertiesAsync("manifest.json"));
    }

    private IModelStore NewStore() =>
        ModelStoreFactory.Create(new ModelStoreOptions { Container = _container, CacheDirectory = _cache.Path, RefreshInterval = TimeSpan.Zero }, _viaProxy);
}
