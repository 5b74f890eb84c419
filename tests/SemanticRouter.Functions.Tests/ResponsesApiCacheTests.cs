using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// The semantic cache serves <c>/v1/responses</c> as it serves chat completions: a repeat is answered from the cache
/// (no backend call, <c>x-vsr-cache-hit</c>), as a response object or as the Responses event sequence.
/// </summary>
public sealed class ResponsesApiCacheTests
{
    [Fact]
    public async Task A_repeated_question_is_answered_from_the_cache_as_a_response_and_as_a_stream()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(TestConfigs.SemanticCache(backend.BaseUrl));
        const string Body = """{"model":"MoM","input":"How do I reset my router to factory settings?"}""";

        using var first = await router.Http.PostAsync("/v1/responses", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var second = await router.Http.PostAsync("/v1/responses", new StringContent(Body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual("true", first.Headers.TryGetValues("x-vsr-cache-hit", out var miss) ? miss.Single() : null);
        Assert.Equal("true", second.Headers.GetValues("x-vsr-cache-hit").Single());
        Assert.Equal("cache", second.Headers.GetValues("x-vsr-response-path").Single());
        var cached = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        var original = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal("response", (string?)cached["object"]);
        Assert.Equal("completed", (string?)cached["status"]);
        Assert.NotEqual((string?)original["id"], (string?)cached["id"]);
        Assert.Equal((string?)original["output"]![0]!["content"]![0]!["text"], (string?)cached["output"]![0]!["content"]![0]!["text"]);

        using var streamed = await router.Http.PostAsync("/v1/responses", new StringContent(Body.Replace("}", ""","stream":true}""", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
        Assert.Equal("true", streamed.Headers.GetValues("x-vsr-cache-hit").Single());
        var events = await streamed.Content.ReadAsStringAsync();
        Assert.Contains("event: response.output_text.delta", events, StringComparison.Ordinal);
        Assert.Contains("event: response.completed", events, StringComparison.Ordinal);
        Assert.DoesNotContain("chat.completion", events, StringComparison.Ordinal);
        Assert.Equal(1, backend.RequestCount);
    }
}
