using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

/// <summary>Stops its own Azurite in the middle of a model download, so it does not share the collection's instance.</summary>
public sealed class InterruptedDownloadTests
{
    [Fact]
    public async Task Azurite_stopped_mid_download_is_retried_and_the_download_completes_after_restart()
    {
        await using var azurite = new AzuriteServer();
        await azurite.StartAsync();
        await using var proxy = await CountingProxy.StartAsync(azurite.BlobEndpoint);
        using var models = FakeModelFolder.Create(("domain", 8 * 1024 * 1024));
        using var cache = new TempDirectory();
        using (var direct = TestAccounts.SharedKey(azurite))
        {
            await ModelUploader.UploadAsync(direct.GetBlobClient("models"), models.Root);
        }

        var patient = new StorageRetryOptions { MaxRetryAttempts = 30, BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(2) };
        using var account = TestAccounts.ThroughProxy(azurite, proxy, patient);
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { CacheDirectory = cache.Path, RefreshInterval = TimeSpan.Zero }, account);
        proxy.ThrottleBytesPerSecond = 4 * 1024 * 1024;

        var load = store.GetAsync("domain").AsTask();

        // Wait on bytes the client has written, not bytes the proxy sent: socket buffers can hold megabytes.
        while ((store.Status.Models.SingleOrDefault()?.BytesLoaded ?? 0) < 1024 * 1024)
        {
            Assert.False(load.IsCompleted, "download finished before Azurite could be stopped");
            await Task.Delay(20);
        }

        await azurite.StopAsync();
        var progressWhileDown = store.Status.Models.Single().BytesLoaded;
        await Task.Delay(500);
        await azurite.StartAsync();
        proxy.ThrottleBytesPerSecond = null;
        var location = await load.WaitAsync(TimeSpan.FromSeconds(120));

        var bytes = File.ReadAllBytes(location.PathOf("onnx/model.onnx"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(models.Root, "domain", "onnx", "model.onnx")), bytes);
        var onnxGets = proxy.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/domain/onnx/model.onnx", StringComparison.Ordinal)).ToList();
        Assert.True(onnxGets.Count >= 2, "the interrupted download was not retried");
        Assert.Equal(206, onnxGets[^1].Status);
        Assert.True(progressWhileDown > 0 && progressWhileDown < bytes.Length);
        Assert.True(store.Status.Ready);
    }
}
