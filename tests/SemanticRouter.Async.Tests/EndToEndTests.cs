using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Async.Queues;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>The real router on loopback, Azurite queues and blobs, a loopback backend: audits and the feedback loop end to end.</summary>
public sealed class EndToEndTests(AzuriteServer azurite) : AzuriteTest(azurite)
{
    [Fact]
    public async Task Routed_request_with_tool_context_is_audited_through_the_queue_and_the_flagged_span_is_retrievable()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => TestConfigs.EiffelAnswer;
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl), Azurite);

        var requestId = "req-e2e-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(JsonNode.Parse($$$"""
                {"model": "MoM", "messages": [
                  {"role": "user", "content": "How tall is the Eiffel Tower?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "search", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "content": "{{{TestConfigs.EiffelContext}}}"}]}
                """)),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await router.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("grounded", response.Headers.GetValues("x-vsr-selected-decision").Single());
        Assert.Equal("true", response.Headers.GetValues("x-vsr-hallucination-detected").Single());
        Assert.Equal("324 m", response.Headers.GetValues("x-vsr-hallucination-spans").Single());

        var audit = await Eventually.GetAsync(async () =>
        {
            using var r = await router.Http.GetAsync($"/api/v1/audits/{requestId}");
            return r.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await r.Content.ReadAsStringAsync()) : null;
        }, what: "the audit result");

        Assert.Equal(requestId, audit["request_id"]!.GetValue<string>());
        Assert.Equal("large", audit["model"]!.GetValue<string>());
        Assert.Equal("grounded", audit["decision"]!.GetValue<string>());
        Assert.True(audit["needs_fact_check"]!.GetValue<bool>());
        Assert.True(audit["hallucination_detected"]!.GetValue<bool>());
        var span = Assert.Single(audit["spans"]!.AsArray())!;
        Assert.Equal("324 m", span["text"]!.GetValue<string>());
        Assert.Equal("contradiction", span["label"]!.GetValue<string>());
        Assert.Equal("the answer says 324 m; the context says 330 m", span["explanation"]!.GetValue<string>());
        Assert.Equal(TestConfigs.EiffelAnswer.IndexOf("324 m", StringComparison.Ordinal), span["start"]!.GetValue<int>());

        // The result is a blob in Azurite, and the audit queue has been drained.
        using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
        Assert.NotNull(await account.GetBlobClient(QueueNames.AuditContainer).GetPropertiesAsync(requestId + ".json"));
        Assert.Equal(0, await account.GetQueueClient(QueueNames.HalugateAudits).GetApproximateCountAsync());
        Assert.Single(backend.Requests);
    }

    [Fact]
    public async Task Context_field_is_audited_and_not_forwarded_upstream()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => "The tower was finished in 1899.";
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl, "sync"), Azurite);

        using var request = TestConfigs.EiffelRequest("When was the tower finished?");
        using var response = await router.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-vsr-hallucination-detected").Single());
        Assert.Equal("1899", response.Headers.GetValues("x-vsr-hallucination-spans").Single());
        Assert.False(Assert.Single(backend.Requests).Json.ContainsKey("context"));
    }

    [Fact]
    public async Task Feedback_webhook_changes_the_ratings_and_the_next_routing_choice()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl), Azurite);

        var first = await ChatAsync(router, "req-fb-" + Guid.NewGuid().ToString("N"));
        Assert.Equal("small", first.Model);
        Assert.Equal("chat", first.Decision);

        var feedback = new { request_id = first.RequestId, rating = "down", category = "wrong_answer", user_id = "alice" };
        using (var anonymous = await router.Http.PostAsJsonAsync("/v1/feedback", feedback))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var accepted = await PostFeedbackAsync(router, feedback);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var ack = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!;
        Assert.Equal("small", ack["model"]!.GetValue<string>());
        Assert.Equal("chat", ack["decision"]!.GetValue<string>());

        var rating = await Eventually.GetAsync(async () =>
        {
            var ratings = JsonNode.Parse(await router.Http.GetStringAsync("/api/v1/ratings"))!["ratings"]!.AsArray();
            return ratings.FirstOrDefault(r => r!["model"]!.GetValue<string>() == "small" && r["decision"]!.GetValue<string>() == "chat");
        }, what: "the rating of small/chat");
        Assert.Equal(1, rating!["down"]!.GetValue<int>());
        Assert.Equal(1, rating["categories"]!["wrong_answer"]!.GetValue<int>());
        Assert.True(rating["success_rate"]!.GetValue<double>() < 0.5);

        var second = await ChatAsync(router, "req-fb-" + Guid.NewGuid().ToString("N"));
        Assert.Equal("large", second.Model);
    }

    [Fact]
    public async Task Feedback_webhook_rejects_invalid_bodies_with_the_parameter_named()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl), Azurite);

        foreach (var (body, param) in new (object Body, string Param)[]
        {
            (new { rating = "up" }, "request_id"),
            (new { request_id = "r1", rating = "great" }, "rating"),
            (new { request_id = "r1", rating = 6 }, "rating"),
            (new { request_id = "r1", rating = "up", category = "angry" }, "category"),
            (new { request_id = "has space", rating = "up" }, "request_id"),
        })
        {
            using var response = await PostFeedbackAsync(router, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(param, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        }

        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/v1/feedback") { Content = JsonContent.Create(new { request_id = "r1", rating = 5 }) };
        wrongToken.Headers.Add("x-feedback-token", RouterUnderTest.FeedbackToken + "x");
        using var denied = await router.Http.SendAsync(wrongToken);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostFeedbackAsync(RouterUnderTest router, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/feedback") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", RouterUnderTest.FeedbackToken);
        return await router.Http.SendAsync(request);
    }

    private static async Task<(string RequestId, string Model, string Decision)> ChatAsync(RouterUnderTest router, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "MoM", messages = new[] { new { role = "user", content = "Hello, how are you?" } } }),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await router.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _ = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (requestId, response.Headers.GetValues("x-vsr-selected-model").Single(), response.Headers.GetValues("x-vsr-selected-decision").Single());
    }
}
