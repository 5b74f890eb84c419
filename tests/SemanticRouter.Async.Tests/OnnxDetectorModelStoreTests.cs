using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// With storage configured, the detector named by HALUGATE_DETECTOR_MODEL comes from the Blob model store
/// (uploaded with the manifest to Azurite, downloaded into the instance's model cache) like every other model.
/// </summary>
public sealed class OnnxDetectorModelStoreTests(AzuriteServer azurite) : AzuriteTest(azurite)
{
    [Fact]
    public async Task Detector_named_by_the_app_setting_is_downloaded_from_the_blob_model_store_and_used()
    {
        using var models = new TemporaryModels();
        models.Add("halu-detector", OnnxDetectorTests.FixtureFolder);
        using (var account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString)))
        {
            await ModelUploader.UploadAsync(account.GetBlobClient("models"), models.Directory);
        }

        var cache = Directory.CreateTempSubdirectory("halu-model-cache-").FullName;
        try
        {
            await using var backend = await ScriptedBackend.StartAsync();
            backend.Answer = TestConfigs.EiffelAnswer;
            await using var router = await RouterUnderTest.StartAsync(
                TestConfigs.Router(backend.BaseUrl, "sync"),
                Azurite,
                new Dictionary<string, string> { [AsyncSettings.DetectorModelSetting] = "halu-detector", ["MODELS_CACHE_DIR"] = cache });

            using var response = await router.Http.PostAsync("/v1/chat/completions", JsonContent.Create(JsonNode.Parse($$"""
                {"model": "MoM", "context": ["{{TestConfigs.EiffelContext}}"], "messages": [{"role": "user", "content": "How tall is the Eiffel Tower?"}]}
                """)));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("324 m; 1889", response.Headers.GetValues("x-vsr-hallucination-spans").Single());
            Assert.NotEmpty(Directory.EnumerateFiles(cache, "model.onnx", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
