using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Models;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// With a storage account configured, the router's learned signals run on models downloaded from Blob
/// storage (Azurite) into the instance's cache — never from the local models folder — and a changed model
/// published later is picked up by a refresh while requests keep being served.
/// </summary>
public sealed class BlobModelStoreWiringTests : IAsyncLifetime
{
    private const string Config = """
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, provider_model_id: s, backend_refs: [{name: a, base_url: "http://127.0.0.1:9/v1"}]}
            - {name: large, provider_model_id: l, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}
        routing:
          strategy: priority
          signals:
            language: [{name: de}]
          decisions:
            - name: german
              priority: 10
              rules: {operator: OR, conditions: [{type: language, name: de}]}
              modelRefs: [{model: large}]
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        """;

    private readonly AzuriteServer _azurite = AzuriteServer.InMemoryOnly();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sr-model-wiring-" + Guid.NewGuid().ToString("N"));
    private string _models = null!;
    private StorageAccount _account = null!;

    public async Task InitializeAsync()
    {
        await _azurite.StartAsync();
        _models = Path.Combine(_work, "models");
        CopyModels(Path.Combine(RepoPaths.Root, "models"), _models);
        _account = new StorageAccount(StorageAccountOptions.FromConnectionString(_azurite.ConnectionString));
        await ModelUploader.UploadAsync(_account.GetBlobClient("models"), _models);
    }

    public async Task DisposeAsync()
    {
        _account.Dispose();
        await _azurite.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Learned_signals_run_on_models_from_blob_storage_and_a_refreshed_model_is_swapped_in()
    {
        var cache = Path.Combine(_work, "cache");
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["MODELS_CACHE_DIR"] = cache,
            ["MODELS_REFRESH_SECONDS"] = "0",
        };
        await using var router = await RunningRouter.StartAsync(
            new RouterHostOptions { ConfigYaml = Config, Environment = key => settings.GetValueOrDefault(key) },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = Path.Combine(_work, "no-local-models") }));

        // The model store and the queue features (audits, feedback) share one account: one pool, one token cache.
        Assert.Single(router.Services.GetServices<StorageAccount>());

        var ready = await WaitForReadyAsync(router);
        Assert.True(ready["checks"]!["model_store"]!["ready"]!.GetValue<bool>());
        Assert.Equal("blob", ready["checks"]!["model_store"]!["progress"]!["source"]!.GetValue<string>());

        Assert.Equal("german", await DecisionAsync(router, "Wie spät ist es heute in Berlin, und wann fährt der nächste Zug?"));
        Assert.Equal("default", await DecisionAsync(router, "What time is it in Berlin, and when does the next train leave?"));
        var models = router.Services.GetRequiredService<LearnedModels>();
        var first = models.PathOf(LearnedModel.LanguageIdentifier);
        Assert.StartsWith(cache, first, StringComparison.Ordinal);

        // Publish a new version of the language model (same profiles, changed bytes) and refresh.
        await File.AppendAllTextAsync(Path.Combine(_models, "language-id", "config.json"), "\n");
        await ModelUploader.UploadAsync(_account.GetBlobClient("models"), _models);
        var store = router.Services.GetRequiredService<IModelStore>();
        Assert.True(await store.RefreshAsync());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (models.Reloads == 0 && DateTime.UtcNow < deadline)
        {
            Assert.Equal("german", await DecisionAsync(router, "Guten Morgen, ich hätte gern einen Kaffee und ein Brötchen, bitte."));
            await Task.Delay(50);
        }

        Assert.Null(models.LastReloadError);
        Assert.Equal(1, models.Reloads);
        var second = models.PathOf(LearnedModel.LanguageIdentifier);
        Assert.NotEqual(first, second);
        Assert.StartsWith(cache, second, StringComparison.Ordinal);
        Assert.Equal("german", await DecisionAsync(router, "Wie spät ist es heute in Berlin, und wann fährt der nächste Zug?"));
    }

    private static async Task<string> DecisionAsync(RunningRouter router, string prompt)
    {
        using var response = await router.Http.PostAsync("/api/v1/explain", new StringContent(TestConfigs.Body(prompt), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["decision"]!["name"]!.GetValue<string>();
    }

    private static async Task<JsonNode> WaitForReadyAsync(RunningRouter router)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await router.Http.GetAsync("/ready");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, "not ready after 60 s: " + body.ToJsonString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(100);
        }
    }

    /// <summary>Copies the default model folders and manifest (the upload rewrites the manifest; the repository's must stay as is).</summary>
    private static void CopyModels(string from, string to)
    {
        var defaults = new LearnedModelOptions();
        Directory.CreateDirectory(to);
        File.Copy(Path.Combine(from, ModelManifest.FileName), Path.Combine(to, ModelManifest.FileName));
        foreach (var folder in new[] { defaults.PromptClassifier, defaults.PiiTokenClassifier, defaults.SentenceEmbedder, defaults.LanguageIdentifier })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(from, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }
}
