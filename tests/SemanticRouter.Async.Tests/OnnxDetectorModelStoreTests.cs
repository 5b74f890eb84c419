using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Async.Queues;
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
    public Task Detector_named_by_the_app_setting_is_downloaded_from_the_blob_model_store_and_used() =>
        WithRouterAsync("halu-detector", "sync", [], async (router, cache) =>
        {
            using var request = TestConfigs.EiffelRequest();
            using var response = await router.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("324 m; 1889", response.Headers.GetValues("x-vsr-hallucination-spans").Single());
            Assert.NotEmpty(Directory.EnumerateFiles(cache, "model.onnx", SearchOption.AllDirectories));
        });

    [Fact]
    public Task Detector_missing_from_the_store_costs_no_answer_and_its_audits_end_in_the_poison_queue() =>
        WithRouterAsync("lettuce-large", "both", new() { ["QUEUE_MAX_DEQUEUE_COUNT"] = "2" }, async (router, _) =>
        {
            var requestId = "req-nodetector-" + Guid.NewGuid().ToString("N");
            using var request = TestConfigs.EiffelRequest(requestId: requestId);
            using var response = await router.Http.SendAsync(request);

            // The inline check is skipped, not the answer.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("x-vsr-hallucination-detected"));
            Assert.Equal(TestConfigs.EiffelAnswer, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());

            // The queued audit fails on every delivery and is kept in the poison queue, not dropped.
            using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
            var poison = account.GetQueueClient(QueueNames.HalugateAudits + "-poison");
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return await poison.GetApproximateCountAsync() >= 1;
                }
                catch (StorageRequestException)
                {
                    return false;
                }
            }, what: "the audit message in halugate-audits-poison");
            using var audit = await router.Http.GetAsync($"/api/v1/audits/{requestId}");
            Assert.Equal(HttpStatusCode.NotFound, audit.StatusCode);
        });

    /// <summary>
    /// Publishes the fixture detector as <c>halu-detector</c> to the Blob model store (Azurite), then runs
    /// <paramref name="test"/> against a router that names <paramref name="detectorModel"/> in HALUGATE_DETECTOR_MODEL,
    /// with a fresh model cache (passed in) and a backend that answers the Eiffel answer.
    /// </summary>
    private async Task WithRouterAsync(string detectorModel, string hallucinationMode, Dictionary<string, string> settings, Func<RouterUnderTest, string, Task> test)
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
            await using var backend = await LoopbackBackend.StartAsync();
            backend.AnswerText = _ => TestConfigs.EiffelAnswer;
            settings[AsyncSettings.DetectorModelSetting] = detectorModel;
            settings["MODELS_CACHE_DIR"] = cache;
            await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl, hallucinationMode), Azurite, settings);
            await test(router, cache);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
