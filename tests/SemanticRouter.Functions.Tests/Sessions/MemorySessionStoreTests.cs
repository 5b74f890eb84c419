using SemanticRouter.Core.Sessions;

namespace SemanticRouter.Functions.Tests.Sessions;

/// <summary>The memory session store: the store contract, and its bound on conversations held.</summary>
public sealed class MemorySessionStoreTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public Task Writes_are_conditional_on_the_version_read() =>
        SessionStoreContract.WritesAreConditionalOnTheVersionReadAsync(new MemorySessionStore(() => 10, _clock), _clock);

    [Fact]
    public Task Expired_records_read_as_absent_and_can_be_replaced() =>
        SessionStoreContract.ExpiredRecordsReadAsAbsentAndCanBeReplacedAsync(new MemorySessionStore(() => 10, _clock), _clock);

    [Fact]
    public async Task Holds_at_most_max_entries_dropping_the_least_recently_used()
    {
        var store = new MemorySessionStore(() => 3, _clock);
        var keys = Enumerable.Range(0, 4).Select(_ => SessionStoreContract.Key()).ToArray();
        foreach (var key in keys[..3])
        {
            Assert.True(await store.TryWriteAsync(key, SessionStoreContract.Record(_clock), null, CancellationToken.None));
        }

        // Reading the oldest makes it recently used, so the second one is dropped when a fourth arrives.
        Assert.NotNull(await store.GetAsync(keys[0], CancellationToken.None));
        Assert.True(await store.TryWriteAsync(keys[3], SessionStoreContract.Record(_clock), null, CancellationToken.None));

        Assert.Equal(3, store.Count);
        Assert.NotNull(await store.GetAsync(keys[0], CancellationToken.None));
        Assert.Null(await store.GetAsync(keys[1], CancellationToken.None));
        Assert.NotNull(await store.GetAsync(keys[2], CancellationToken.None));
        Assert.NotNull(await store.GetAsync(keys[3], CancellationToken.None));
    }

    [Fact]
    public async Task Expired_records_are_dropped_before_live_ones_when_the_store_is_full()
    {
        var store = new MemorySessionStore(() => 2, _clock);
        var (expiring, live, newcomer) = (SessionStoreContract.Key(), SessionStoreContract.Key(), SessionStoreContract.Key());
        Assert.True(await store.TryWriteAsync(live, SessionStoreContract.Record(_clock, ttl: TimeSpan.FromHours(1)), null, CancellationToken.None));
        Assert.True(await store.TryWriteAsync(expiring, SessionStoreContract.Record(_clock, ttl: TimeSpan.FromSeconds(5)), null, CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await store.TryWriteAsync(newcomer, SessionStoreContract.Record(_clock), null, CancellationToken.None));

        Assert.Equal(2, store.Count);
        Assert.NotNull(await store.GetAsync(live, CancellationToken.None));
        Assert.NotNull(await store.GetAsync(newcomer, CancellationToken.None));
    }

    [Fact]
    public async Task A_lowered_bound_applies_on_the_next_write()
    {
        var limit = 5;
        var store = new MemorySessionStore(() => limit, _clock);
        for (var i = 0; i < 5; i++)
        {
            await store.TryWriteAsync(SessionStoreContract.Key(), SessionStoreContract.Record(_clock), null, CancellationToken.None);
        }

        limit = 2;
        await store.TryWriteAsync(SessionStoreContract.Key(), SessionStoreContract.Record(_clock), null, CancellationToken.None);

        Assert.Equal(2, store.Count);
    }
}
