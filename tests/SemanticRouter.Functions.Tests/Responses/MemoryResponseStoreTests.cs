using SemanticRouter.Functions.Responses.Store;

namespace SemanticRouter.Functions.Tests.Responses;

/// <summary>The standalone store: per tenant, expiring, and bounded by entry count and total bytes (oldest dropped first).</summary>
public sealed class MemoryResponseStoreTests
{
    private static MemoryResponseStore Store(int maxEntries = 1000, long maxBytes = 64 * 1024 * 1024) =>
        new(() => ResponseStoreSettings.Default with { MaxEntries = maxEntries, MaxBytes = maxBytes }, TimeProvider.System);

    [Fact]
    public Task Saves_gets_and_deletes_per_tenant() => ResponseStoreContract.SavesGetsAndDeletesPerTenantAsync(Store());

    [Fact]
    public Task Expired_responses_are_gone() => ResponseStoreContract.ExpiredResponsesAreGoneAsync(Store());

    [Fact]
    public async Task Max_entries_drops_the_oldest()
    {
        var store = Store(maxEntries: 3);
        for (var i = 1; i <= 5; i++)
        {
            await store.SaveAsync("t", ResponseStoreContract.Response($"resp_{i}"), CancellationToken.None);
        }

        Assert.Equal(3, store.Count);
        Assert.Null(await store.GetAsync("t", "resp_1", CancellationToken.None));
        Assert.Null(await store.GetAsync("t", "resp_2", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("t", "resp_3", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("t", "resp_5", CancellationToken.None));
    }

    [Fact]
    public async Task Max_bytes_bounds_the_total_size_and_refuses_a_response_larger_than_the_store()
    {
        var one = ResponseStoreContract.Response("resp_a", text: new string('x', 1000)).ToUtf8().Length;
        var store = Store(maxBytes: (one * 2) + 10);
        foreach (var id in new[] { "resp_a", "resp_b", "resp_c" })
        {
            await store.SaveAsync("t", ResponseStoreContract.Response(id, text: new string('x', 1000)), CancellationToken.None);
        }

        Assert.True(store.Bytes <= (one * 2) + 10, $"{store.Bytes} bytes stored");
        Assert.Null(await store.GetAsync("t", "resp_a", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("t", "resp_c", CancellationToken.None));

        await store.SaveAsync("t", ResponseStoreContract.Response("resp_huge", text: new string('y', one * 3)), CancellationToken.None);
        Assert.Null(await store.GetAsync("t", "resp_huge", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("t", "resp_c", CancellationToken.None));
    }
}
