using System.Text.Json.Nodes;
using SemanticRouter.Cache.Plugin;

namespace SemanticRouter.Cache.Tests;

/// <summary>Streamed answers are rebuilt faithfully and replayed chunk by chunk.</summary>
public sealed class StreamAccumulatorTests
{
    [Fact]
    public void Tool_call_fragments_are_merged_and_replayed_as_one_call_per_index()
    {
        var acc = new StreamAccumulator();
        acc.Add("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""");
        acc.Add("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""");
        acc.Add("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]},"finish_reason":null}]}""");
        acc.Add("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""");

        var completion = acc.Complete()!;
        var json = JsonNode.Parse(completion.ToCompletionJson())!;
        var call = json["choices"]![0]!["message"]!["tool_calls"]![0]!;
        Assert.Equal("get_weather", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal("""{"city":"Oslo"}""", call["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("tool_calls", json["choices"]![0]!["finish_reason"]!.GetValue<string>());

        var chunks = CacheReplay.Chunks(CachedCompletion.TryParse(completion.ToCompletionJson())!, includeUsage: true).Select(c => JsonNode.Parse(c)!).ToList();
        Assert.Equal("call_1", chunks.Single(c => c["choices"]!.AsArray().Count > 0 && c["choices"]![0]!["delta"]!["tool_calls"] is not null)["choices"]![0]!["delta"]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(7, chunks[^1]["usage"]!["total_tokens"]!.GetValue<int>());
        Assert.Equal("tool_calls", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"error":{"message":"backend failed","type":"upstream_error"}}""")]
    [InlineData("""{"id":"c","choices":[{"index":1,"delta":{"content":"second choice"},"finish_reason":null}]}""")]
    [InlineData("not json")]
    public void Error_events_extra_choices_and_garbage_make_the_stream_uncacheable(string bad)
    {
        var acc = new StreamAccumulator();
        acc.Add("""{"id":"c","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}""");
        acc.Add(bad);
        acc.Add("""{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");

        Assert.Null(acc.Complete());
    }

    [Fact]
    public void A_stream_without_finish_reason_is_not_complete()
    {
        var acc = new StreamAccumulator();
        acc.Add("""{"id":"c","choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}""");

        Assert.Null(acc.Complete());
    }
}
