using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Tests;

/// <summary>Streams are accumulated as they pass, written on [DONE], and replayed as SSE that the OpenAI SDK parses.</summary>
public sealed class StreamingCacheTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;
    private CacheRouter _router = null!;

    public async Task InitializeAsync()
    {
        _backend = await NumberedBackend.StartAsync();
        _router = await CacheRouter.StartAsync(_backend.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Streamed_answer_is_cached_and_replayed_as_SSE_the_OpenAI_SDK_parses()
    {
        var client = new ChatClient("MoM", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_router.Address, "/v1") });

        var (firstText, firstFinish) = await StreamAsync(client, "Explain how HTTP caching works in two sentences.");
        var (replayText, replayFinish) = await StreamAsync(client, "Explain how HTTP caching works in two sentences.");
        var raw = await _router.AskAsync("Explain how HTTP caching works in two sentences.", stream: true);

        Assert.StartsWith("answer #1 to: Explain how HTTP caching", firstText, StringComparison.Ordinal);
        Assert.Equal(firstText, replayText);
        Assert.Equal(ChatFinishReason.Stop, firstFinish);
        Assert.Equal(ChatFinishReason.Stop, replayFinish);
        Assert.True(raw.CacheHit);
        Assert.Equal("cache", raw.Header("x-vsr-response-path"));
        Assert.EndsWith("data: [DONE]\n\n", raw.Raw, StringComparison.Ordinal);
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task Streaming_and_non_streaming_requests_share_one_entry()
    {
        var streamed = await _router.AskAsync("What does a load balancer do?", stream: true);
        var json = await _router.AskAsync("What does a load balancer do?");
        var jsonFirst = await _router.AskAsync("What is a reverse proxy?");
        var streamedHit = await _router.AskAsync("What is a reverse proxy?", stream: true);

        Assert.True(json.CacheHit);
        Assert.Equal(streamed.Text, json.Text);
        Assert.True(streamedHit.CacheHit);
        Assert.Equal(jsonFirst.Text, streamedHit.Text);
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task Reasoning_content_survives_the_stream_round_trip()
    {
        _backend.Reasoning = "First think about caches.";
        var first = await _router.AskAsync("Why cache LLM answers?", stream: true);
        var replay = await _router.AskAsync("Why cache LLM answers?", stream: true);
        var json = await _router.AskAsync("Why cache LLM answers?");

        Assert.True(replay.CacheHit);
        Assert.Equal(first.Text, replay.Text);
        Assert.Contains("reasoning_content", replay.Raw, StringComparison.Ordinal);
        Assert.Equal("First think about caches.", System.Text.Json.Nodes.JsonNode.Parse(json.Raw)!["choices"]![0]!["message"]!["reasoning_content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Aborted_stream_is_not_cached()
    {
        _backend.AbortStreamAfterChunks = 1;
        var aborted = await _router.AskAsync("Tell me a long story.", stream: true);
        _backend.AbortStreamAfterChunks = -1;
        var next = await _router.AskAsync("Tell me a long story.", stream: true);

        Assert.DoesNotContain("[DONE]", aborted.Raw, StringComparison.Ordinal);
        Assert.False(next.CacheHit);
        Assert.Contains("answer #2", next.Text, StringComparison.Ordinal);
        Assert.Equal(2, _backend.Calls);
    }

    private static async Task<(string Text, ChatFinishReason? Finish)> StreamAsync(ChatClient client, string prompt)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(prompt)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        return (text.ToString(), finish);
    }
}
