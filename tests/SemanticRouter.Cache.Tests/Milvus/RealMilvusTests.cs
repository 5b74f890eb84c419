using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Milvus;
using SemanticRouter.Cache.Storage;

namespace SemanticRouter.Cache.Tests.Milvus;

/// <summary>Runs only when <c>MILVUS_URI</c> points at a real Milvus (≥ 2.5); <c>MILVUS_TOKEN</c> is used when set.</summary>
public sealed class RealMilvusTests
{
    [MilvusFact]
    public async Task Round_trips_exact_and_semantic_entries_and_invalidates_against_a_real_milvus()
    {
        var uri = new Uri(Environment.GetEnvironmentVariable("MILVUS_URI")!);
        var collection = "router_cache_test_" + Guid.NewGuid().ToString("N")[..8];
        var client = new MilvusRestClient(uri, Environment.GetEnvironmentVariable("MILVUS_TOKEN"), null, TimeSpan.FromSeconds(10), new SocketsHttpHandler());
        await using var store = new MilvusResponseCacheStore(client, collection, TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
        var embedder = new HashingTextEmbedder();
        var key = new CacheKey("acme", string.Empty, "small", new string('a', 64), new string('b', 64));
        try
        {
            await store.WriteAsync(key, embedder.Embed("What is the capital of France?"), """{"choices":[{"index":0,"message":{"role":"assistant","content":"Paris"},"finish_reason":"stop"}]}"""u8.ToArray(), TimeSpan.FromMinutes(5), default);
            CacheHit? semantic = null;
            for (var i = 0; i < 20 && semantic is null; i++)
            {
                // Bounded consistency: a fresh insert becomes searchable shortly after.
                semantic = await store.FindSimilarAsync(key with { Exact = new string('c', 64) }, embedder.Embed("what's the capital of France"), 0.7, default);
                await Task.Delay(500);
            }

            Assert.NotNull(semantic);
            Assert.NotNull(await store.FindExactAsync(key, default));
            Assert.Null(await store.FindSimilarAsync(key with { Partition = new string('d', 64) }, embedder.Embed("What is the capital of France?"), 0.7, default));
            Assert.True(await store.InvalidateAsync(new CacheInvalidation(Tenant: "acme"), default) >= 0);
        }
        finally
        {
            await store.InvalidateAsync(new CacheInvalidation(), default);
        }
    }
}

/// <summary>A fact that is skipped (not silently passed) unless <c>MILVUS_URI</c> is set.</summary>
public sealed class MilvusFactAttribute : FactAttribute
{
    public MilvusFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MILVUS_URI")))
        {
            Skip = "MILVUS_URI is not set; start Milvus (e.g. milvus-standalone) and export MILVUS_URI=http://localhost:19530 to run.";
        }
    }
}
