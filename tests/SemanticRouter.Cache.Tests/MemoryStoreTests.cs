using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Memory;
using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Cache.Memory.Vectors;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Cache.Storage;

namespace SemanticRouter.Cache.Tests;

/// <summary>The in-process store: eviction order per policy, TTL, partitions, concurrency.</summary>
public sealed class MemoryStoreTests
{
    private static readonly HashingTextEmbedder Embedder = new();

    [Fact]
    public async Task Fifo_evicts_the_oldest_write_even_when_it_is_hit()
    {
        var store = Store(EvictionPolicyKind.Fifo);
        await Write(store, "a");
        await Write(store, "b");
        await Write(store, "c");
        await Hit(store, "a");
        await Write(store, "d");

        Assert.Equal(["b", "c", "d"], await Present(store));
    }

    [Fact]
    public async Task Lru_evicts_the_least_recently_hit()
    {
        var store = Store(EvictionPolicyKind.Lru);
        await Write(store, "a");
        await Write(store, "b");
        await Write(store, "c");
        await Hit(store, "a");
        await Write(store, "d");

        Assert.Equal(["a", "c", "d"], await Present(store));
    }

    [Fact]
    public async Task Lfu_evicts_the_least_often_hit_and_the_older_among_equals()
    {
        var store = Store(EvictionPolicyKind.Lfu);
        await Write(store, "a");
        await Write(store, "b");
        await Write(store, "c");
        await Hit(store, "a");
        await Hit(store, "a");
        await Hit(store, "b");
        await Write(store, "d");
        await Hit(store, "d");
        await Hit(store, "d");
        await Write(store, "e");

        Assert.Equal(["a", "d", "e"], await Present(store));
    }

    [Fact]
    public async Task Max_bytes_evicts_the_oldest_entries_and_refuses_an_answer_larger_than_the_budget()
    {
        var answer = new byte[10_000];
        var perEntry = 10_000 + (4 * 512) + MemoryCacheEntry.OverheadBytes;
        var store = new MemoryResponseCacheStore(new MemoryStoreOptions(1000, EvictionPolicyKind.Fifo, 1000, new HnswParameters(), MaxBytes: 3L * (perEntry + 100)));
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            await store.WriteAsync(Key(id), Embedder.Embed("question " + id), answer, TimeSpan.FromHours(1), default);
        }

        Assert.Equal(["c", "d", "e"], await Present(store));
        Assert.InRange(store.EstimatedBytes, 3L * perEntry, 3L * (perEntry + 100));
        Assert.Equal(2, (await store.DescribeAsync(default)).Evictions);

        await store.WriteAsync(Key("huge"), null, new byte[4 * perEntry], TimeSpan.FromHours(1), default);
        Assert.Null(await store.FindExactAsync(Key("huge"), default));
        Assert.Equal(["c", "d", "e"], await Present(store));

        await store.InvalidateAsync(new CacheInvalidation("t", null, null), default);
        Assert.Equal(0, store.EstimatedBytes);
    }

    [Fact]
    public async Task The_runtime_builds_the_memory_store_with_the_configured_max_bytes()
    {
        var perEntry = 10_000 + MemoryCacheEntry.OverheadBytes;
        await using var runtime = new ResponseCacheRuntime([]);
        var settings = ResponseCacheGlobalSettings.DefaultsFor(HashingTextEmbedder.Name) with { MaxBytes = 3L * (perEntry + 100) };
        var store = runtime.Store(settings);
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            await store.WriteAsync(Key(id), null, new byte[10_000], TimeSpan.FromHours(1), default);
        }

        Assert.Equal(["c", "d", "e"], await Present(store));
        Assert.NotSame(store, runtime.Store(settings with { MaxBytes = 10L * perEntry }));
    }

    [Fact]
    public async Task Entries_expire_after_their_ttl_for_exact_and_semantic_lookups()
    {
        var clock = new ManualClock();
        var store = new MemoryResponseCacheStore(new MemoryStoreOptions(100, EvictionPolicyKind.Fifo, 1000, new HnswParameters()), clock);
        await store.WriteAsync(Key("q"), Embedder.Embed("How do I reset my password?"), Answer("q"), TimeSpan.FromSeconds(60), default);

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(await store.FindExactAsync(Key("q"), default));
        Assert.NotNull(await store.FindSimilarAsync(Key("other"), Embedder.Embed("How can I reset my password?"), 0.7, default));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await store.FindExactAsync(Key("q"), default));
        Assert.Null(await store.FindSimilarAsync(Key("other"), Embedder.Embed("How can I reset my password?"), 0.7, default));
        Assert.Equal(0, (await store.DescribeAsync(default)).Entries);
    }

    [Fact]
    public async Task Semantic_lookup_never_crosses_partitions()
    {
        var store = Store(EvictionPolicyKind.Fifo);
        await store.WriteAsync(Key("q", partition: "p1"), Embedder.Embed("How do I reset my password?"), Answer("q"), TimeSpan.FromHours(1), default);

        Assert.Null(await store.FindSimilarAsync(Key("x", partition: "p2"), Embedder.Embed("How do I reset my password?"), 0.5, default));
        Assert.NotNull(await store.FindSimilarAsync(Key("x", partition: "p1"), Embedder.Embed("How do I reset my password?"), 0.5, default));
    }

    [Fact]
    public async Task Concurrent_reads_and_writes_keep_the_store_consistent()
    {
        var store = new MemoryResponseCacheStore(new MemoryStoreOptions(500, EvictionPolicyKind.Lru, 200, new HnswParameters(EfConstruction: 32)));
        var vectors = Enumerable.Range(0, 64).Select(i => Embedder.Embed($"question number {i} about topic {i % 7}")).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                var id = $"w{worker}-{i}";
                await store.WriteAsync(Key(id), vectors[i % vectors.Length], Answer(id), TimeSpan.FromHours(1), default);
                await store.FindSimilarAsync(Key("probe"), vectors[(i * 7) % vectors.Length], 0.9, default);
                await store.FindExactAsync(Key($"w{worker}-{i / 2}"), default);
            }
        })));

        Assert.Equal(500, (await store.DescribeAsync(default)).Entries);
        Assert.Equal(8 * 400 - 500, (await store.DescribeAsync(default)).Evictions);
    }

    [Fact]
    public void Hnsw_finds_the_exact_nearest_for_near_duplicate_queries_and_never_returns_removed_ids()
    {
        var random = new Random(7);
        var exact = new BruteForceIndex(64);
        var graph = new HnswIndex(64, new HnswParameters(EfConstruction: 64));
        var vectors = Enumerable.Range(0, 3000).Select(_ => Clustered(random)).ToArray();
        for (var i = 0; i < vectors.Length; i++)
        {
            exact.Add(i, vectors[i]);
            graph.Add(i, vectors[i]);
        }

        for (var i = 0; i < 3000; i += 3)
        {
            exact.Remove(i);
            graph.Remove(i);
        }

        var agree = 0;
        for (var q = 0; q < 300; q++)
        {
            var query = Noisy(random, vectors[random.Next(vectors.Length)]);
            var truth = exact.Nearest(query);
            var found = graph.Nearest(query);
            Assert.NotEqual(0, found.Id % 3);
            agree += truth.Id == found.Id ? 1 : 0;
        }

        Assert.True(agree >= 297, $"recall@1 {agree / 300.0:0.000} < 0.99");
    }

    private static MemoryResponseCacheStore Store(EvictionPolicyKind policy) =>
        new(new MemoryStoreOptions(3, policy, 1000, new HnswParameters()));

    private static CacheKey Key(string id, string partition = "p") => new("t", string.Empty, "m", partition, id);

    private static byte[] Answer(string id) => System.Text.Encoding.UTF8.GetBytes(id);

    private static ValueTask Write(MemoryResponseCacheStore store, string id) =>
        store.WriteAsync(Key(id), null, Answer(id), TimeSpan.FromHours(1), default);

    private static async Task Hit(MemoryResponseCacheStore store, string id) =>
        Assert.NotNull(await store.FindExactAsync(Key(id), default));

    private static async Task<string[]> Present(IResponseCacheStore store)
    {
        var present = new List<string>();
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            // Probing through FindExact would count as a hit; read the answer bytes only once at the end.
            if (await store.FindExactAsync(Key(id), default) is not null)
            {
                present.Add(id);
            }
        }

        return [.. present];
    }

    private static float[] Clustered(Random random)
    {
        var v = new float[64];
        var center = random.Next(20);
        for (var k = 0; k < 64; k++)
        {
            v[k] = (k % 20 == center ? 3f : 0f) + (float)(random.NextDouble() - 0.5);
        }

        return Normalised(v);
    }

    private static float[] Noisy(Random random, float[] v) =>
        Normalised(v.Select(x => x + (float)((random.NextDouble() - 0.5) * 0.1)).ToArray());

    private static float[] Normalised(float[] v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        return v.Select(x => x / norm).ToArray();
    }
}
