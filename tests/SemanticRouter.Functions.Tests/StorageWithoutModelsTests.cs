using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// A storage account configured (for queues, say) must not make a config that uses no learned model depend on the
/// model store: the router starts, is ready and serves — with no model published, with the blob endpoint unreachable —
/// and models the config does not use are never downloaded (issue 20, items 3 and 4).
/// </summary>
public sealed class StorageWithoutModelsTests : IAsyncLifetime
{
    private readonly AzuriteServer _azurite = AzuriteServer.InMemoryOnly();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sr-storage-no-models-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => _azurite.StartAsync();

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task A_cache_config_with_no_models_published_starts_is_ready_and_caches()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await StartAsync(TestConfigs.SemanticCache(backend.BaseUrl), _azurite.ConnectionString);

        await AssertReadyAsync(router);
        await AssertAnswersARepeatFromTheCacheAsync(router, backend);
    }

    [Fact]
    public async Task An_unreachable_blob_endpoint_does_not_stop_a_config_that_needs_no_model()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        var dead = FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:{dead}/{AzuriteServer.AccountName};QueueEndpoint=http://127.0.0.1:{dead}/{AzuriteServer.AccountName};";
        await using var router = await StartAsync(TestConfigs.SemanticCache(backend.BaseUrl), connection).WaitAsync(TimeSpan.FromSeconds(30));

        await AssertReadyAsync(router);
        await AssertAnswersARepeatFromTheCacheAsync(router, backend);
    }

    [Fact]
    public async Task Published_models_the_config_does_not_use_are_never_downloaded()
    {
        var models = Path.Combine(_work, "models");
        CopyFolder(Path.Combine(RepoPaths.Root, "models", "language-id"), Path.Combine(models, "language-id"));
        using (var account = new StorageAccount(StorageAccountOptions.FromConnectionString(_azurite.ConnectionString)))
        {
            await ModelUploader.UploadAsync(account.GetBlobClient("models"), models);
        }

        await using var backend = await LoopbackBackend.StartAsync("a");
        var cache = Path.Combine(_work, "cache");
        await using var router = await StartAsync(TestConfigs.SemanticCache(backend.BaseUrl), _azurite.ConnectionString, cache);

        var ready = await AssertReadyAsync(router);
        await AssertAnswersARepeatFromTheCacheAsync(router, backend);

        // Give a start-up prefetch, if there were one, time to finish before looking.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var downloaded = Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("manifest.json", StringComparison.Ordinal)).ToArray() : [];
        Assert.True(downloaded.Length == 0, "downloaded: " + string.Join(", ", downloaded) + "; /ready: " + ready.ToJsonString());
    }

    private Task<RunningRouter> StartAsync(string yaml, string connection, string? cache = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connection,
            ["MODELS_CACHE_DIR"] = cache ?? Path.Combine(_work, "cache"),
            ["MODELS_REFRESH_SECONDS"] = "0",
        };
        return RunningRouter.StartAsync(new RouterHostOptions { ConfigYaml = yaml, Environment = key => settings.GetValueOrDefault(key) });
    }

    private static async Task<JsonNode> AssertReadyAsync(RunningRouter router)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await router.Http.GetAsync("/ready");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, "not ready after 20 s: " + body.ToJsonString());
            await Task.Delay(100);
        }
    }

    private static async Task AssertAnswersARepeatFromTheCacheAsync(RunningRouter router, LoopbackBackend backend)
    {
        using var first = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("How do I reset my router to factory settings?"), Encoding.UTF8, "application/json"));
        using var second = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("How do I reset my router to factory settings?"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("x-vsr-cache-hit").Single());
        Assert.Equal(1, backend.RequestCount);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
