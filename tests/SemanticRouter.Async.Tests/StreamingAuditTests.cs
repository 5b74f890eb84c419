using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.Queues;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// Streamed answers (SSE, <c>stream: true</c>) on a decision with the hallucination plugin in async mode: the
/// router accumulates the deltas and enqueues the audit after <c>[DONE]</c>; a stream cut before <c>[DONE]</c> is
/// not audited. Real router, Azurite queue and blobs, a loopback backend that streams, the OpenAI .NET SDK as client.
/// </summary>
public sealed class StreamingAuditTests(AzuriteServer azurite) : AzuriteTest(azurite)
{
    [Fact]
    public async Task Streamed_answer_is_audited_after_DONE_and_its_flagged_span_is_retrievable()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => TestConfigs.EiffelAnswer;
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl, "async"), Azurite);
        var client = new ChatClient("MoM", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(router.BaseAddress, "/v1") });

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(
            [
                new UserChatMessage("How tall is the Eiffel Tower?"),
                new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("c1", "search", BinaryData.FromString("{}"))]),
                new ToolChatMessage("c1", TestConfigs.EiffelContext),
            ]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish ??= update.FinishReason;
        }

        // The stream reached the client unchanged (async mode never rewrites it), and the backend really streamed.
        Assert.Equal(TestConfigs.EiffelAnswer, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        var upstream = Assert.Single(backend.Requests);
        Assert.True(upstream.Json["stream"]!.GetValue<bool>());

        var requestId = upstream.Headers["x-request-id"];
        var audit = await Eventually.GetAsync(async () =>
        {
            using var r = await router.Http.GetAsync($"/api/v1/audits/{requestId}");
            return r.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await r.Content.ReadAsStringAsync()) : null;
        }, what: "the audit of the streamed answer");

        Assert.Equal("grounded", audit["decision"]!.GetValue<string>());
        Assert.True(audit["hallucination_detected"]!.GetValue<bool>());
        var span = Assert.Single(audit["spans"]!.AsArray())!;
        Assert.Equal("324 m", span["text"]!.GetValue<string>());
        Assert.Equal(TestConfigs.EiffelAnswer.IndexOf("324 m", StringComparison.Ordinal), span["start"]!.GetValue<int>());
        Assert.Equal("the answer says 324 m; the context says 330 m", span["explanation"]!.GetValue<string>());

        using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
        Assert.NotNull(await account.GetBlobClient(QueueNames.AuditContainer).GetPropertiesAsync(requestId + ".json"));
    }

    [Fact]
    public async Task Stream_cut_before_DONE_is_not_audited()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => TestConfigs.EiffelAnswer;
        backend.AbortStreamAfterChunks = 4;
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl, "async"), Azurite);
        var enqueuer = router.Services.GetRequiredService<AuditEnqueuer>();

        var aborted = await StreamRawAsync(router, "req-cut-" + Guid.NewGuid().ToString("N"));
        Assert.DoesNotContain("data: [DONE]", aborted, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"Eiffel \"", aborted, StringComparison.Ordinal);

        // A complete stream afterwards is audited; by the time its result is stored the cut one would have been sent too.
        backend.AbortStreamAfterChunks = -1;
        var completeId = "req-full-" + Guid.NewGuid().ToString("N");
        Assert.Contains("data: [DONE]", await StreamRawAsync(router, completeId), StringComparison.Ordinal);
        await Eventually.TrueAsync(async () =>
        {
            using var r = await router.Http.GetAsync($"/api/v1/audits/{completeId}");
            return r.StatusCode == HttpStatusCode.OK;
        }, what: "the audit of the complete stream");

        Assert.Equal(1, enqueuer.Sent);
        using var cut = await router.Http.GetAsync($"/api/v1/audits/{backend.Requests.First().Headers["x-request-id"]}");
        Assert.Equal(HttpStatusCode.NotFound, cut.StatusCode);
    }

    private static async Task<string> StreamRawAsync(RouterUnderTest router, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(JsonNode.Parse($$"""
                {"model": "MoM", "stream": true, "context": ["{{TestConfigs.EiffelContext}}"],
                 "messages": [{"role": "user", "content": "How tall is the Eiffel Tower?"}]}
                """)),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var text = new StringBuilder();
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            text.Append(await reader.ReadToEndAsync());
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The router may end the client stream abruptly too; what arrived is enough.
        }

        return text.ToString();
    }
}
