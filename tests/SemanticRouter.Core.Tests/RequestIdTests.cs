using System.Collections.Concurrent;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Tests;

/// <summary>Request ids: a well-formed client id is kept; otherwise a fresh 128-bit random id.</summary>
public sealed class RequestIdTests
{
    [Theory]
    [InlineData("abc-123_x.y")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void A_well_formed_client_id_is_kept(string id) =>
        Assert.Equal(id, RequestIds.From(new Dictionary<string, string> { ["x-request-id"] = id }));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\r\nbreak")]
    [InlineData("ünïcode")]
    public void A_malformed_client_id_is_replaced(string id)
    {
        var made = RequestIds.From(new Dictionary<string, string> { ["x-request-id"] = id });
        Assert.NotEqual(id, made);
        Assert.Matches("^[0-9a-f]{32}$", made);
    }

    [Fact]
    public void An_over_long_client_id_is_replaced() =>
        Assert.Matches("^[0-9a-f]{32}$", RequestIds.From(new Dictionary<string, string> { ["x-request-id"] = new string('a', 129) }));

    [Fact]
    public void Made_ids_are_32_hex_characters_and_never_repeat_across_threads_and_batches()
    {
        var seen = new ConcurrentDictionary<string, byte>();
        // 4 threads x 2,000 ids crosses each thread's batch of 256 several times.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var id = RequestIds.From(new Dictionary<string, string>());
                Assert.Matches("^[0-9a-f]{32}$", id);
                Assert.True(seen.TryAdd(id, 0), "an id was handed out twice");
            }
        });
        Assert.Equal(8_000, seen.Count);
    }
}
