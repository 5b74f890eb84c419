using SemanticRouter.Core.Sessions;

namespace SemanticRouter.Functions.Tests.Sessions;

/// <summary>What every session store does, run against the memory store and the Table store (Azurite).</summary>
internal static class SessionStoreContract
{
    public static SessionRecord Record(ManualClock clock, string decision = "math", string model = "large", TimeSpan? ttl = null) =>
        new(decision, 100, model, 0.75, clock.GetUtcNow(), clock.GetUtcNow() + (ttl ?? TimeSpan.FromMinutes(10)));

    /// <summary>Insert only when absent, read back with a version, replace only with the version read.</summary>
    public static async Task WritesAreConditionalOnTheVersionReadAsync(ISessionStore store, ManualClock clock)
    {
        var key = Key();
        Assert.Null(await store.GetAsync(key, CancellationToken.None));

        Assert.True(await store.TryWriteAsync(key, Record(clock), null, CancellationToken.None));
        Assert.False(await store.TryWriteAsync(key, Record(clock, "code"), null, CancellationToken.None));

        var first = await store.GetAsync(key, CancellationToken.None);
        Assert.Equal(Record(clock), first!.Record);

        Assert.True(await store.TryWriteAsync(key, Record(clock, "code", "small"), first.Version, CancellationToken.None));
        Assert.False(await store.TryWriteAsync(key, Record(clock, "chat"), first.Version, CancellationToken.None));

        var second = await store.GetAsync(key, CancellationToken.None);
        Assert.Equal(("code", "small"), (second!.Record.Decision, second.Record.Model));
        Assert.NotEqual(first.Version, second.Version);
        Assert.Null(await store.GetAsync(Key(), CancellationToken.None));
    }

    /// <summary>A record is gone once its TTL has passed, and a new conversation may take the key again.</summary>
    public static async Task ExpiredRecordsReadAsAbsentAndCanBeReplacedAsync(ISessionStore store, ManualClock clock)
    {
        var key = Key();
        Assert.True(await store.TryWriteAsync(key, Record(clock, ttl: TimeSpan.FromSeconds(30)), null, CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await store.GetAsync(key, CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync(key, CancellationToken.None));
        Assert.True(await store.TryWriteAsync(key, Record(clock, "code"), null, CancellationToken.None));
        Assert.Equal("code", (await store.GetAsync(key, CancellationToken.None))!.Record.Decision);
    }

    public static string Key() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
}
