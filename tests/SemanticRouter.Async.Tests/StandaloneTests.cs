using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>No storage configured: in-process queues and memory stores, so the embedded default still audits and learns.</summary>
public sealed class StandaloneTests
{
    [Fact]
    public async Task Without_storage_the_router_still_audits_and_learns_from_feedback()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = _ => TestConfigs.EiffelAnswer;
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl, "async"), azurite: null);

        using var grounded = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(JsonNode.Parse($$$"""{"model": "MoM", "context": "{{{TestConfigs.EiffelContext}}}", "messages": [{"role": "user", "content": "How tall is the tower?"}]}""")),
        };
        grounded.Headers.Add("x-request-id", "standalone-audit-1");
        using (var response = await router.Http.SendAsync(grounded))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("x-vsr-hallucination-detected"));
        }

        var audit = await Eventually.GetAsync(async () =>
        {
            using var r = await router.Http.GetAsync("/api/v1/audits/standalone-audit-1");
            return r.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await r.Content.ReadAsStringAsync()) : null;
        }, TimeSpan.FromSeconds(30), "the in-process audit");
        Assert.Equal("324 m", Assert.Single(audit["spans"]!.AsArray())!["text"]!.GetValue<string>());

        using var chat = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new { model = "MoM", messages = new[] { new { role = "user", content = "hi" } } }) };
        chat.Headers.Add("x-request-id", "standalone-chat-1");
        using (var first = await router.Http.SendAsync(chat))
        {
            Assert.Equal("small", first.Headers.GetValues("x-vsr-selected-model").Single());
        }

        using var feedback = new HttpRequestMessage(HttpMethod.Post, "/v1/feedback") { Content = JsonContent.Create(new { request_id = "standalone-chat-1", rating = 1 }) };
        feedback.Headers.Add("x-feedback-token", RouterUnderTest.FeedbackToken);
        using (var accepted = await router.Http.SendAsync(feedback))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await Eventually.TrueAsync(async () =>
        {
            using var next = await router.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "MoM", messages = new[] { new { role = "user", content = "hi again" } } });
            return next.Headers.GetValues("x-vsr-selected-model").Single() == "large";
        }, TimeSpan.FromSeconds(30), "routing to move to large");
    }
}
