using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Tests.Milvus;

/// <summary>The <c>milvus</c> backend through the real router against <see cref="FakeMilvusServer"/> (a fake, faithful to REST v2).</summary>
public sealed class MilvusCacheTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await NumberedBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Creates_an_HNSW_cosine_collection_on_first_write_and_serves_exact_and_semantic_hits_per_tenant()
    {
        await using var milvus = await FakeMilvusServer.StartAsync(token: "root:Milvus");
        Environment.SetEnvironmentVariable("CACHE_TEST_MILVUS_TOKEN_1", "root:Milvus");
        await using var router = await CacheRouter.StartAsync(_backend.BaseUrl, store: Store(milvus.Uri, "CACHE_TEST_MILVUS_TOKEN_1"));

        var first = await router.AskAsync("What is the capital of France?", tenant: "acme");
        var exact = await router.AskAsync("What is the capital of France?", tenant: "acme");
        var paraphrase = await router.AskAsync("what's the capital of France", tenant: "acme");
        var otherTenant = await router.AskAsync("What is the capital of France?", tenant: "globex");

        Assert.False(first.CacheHit);
        Assert.True(exact.CacheHit);
        Assert.True(paraphrase.CacheHit);
        Assert.Equal(first.Text, paraphrase.Text);
        Assert.False(otherTenant.CacheHit);
        Assert.Equal(2, _backend.Calls);
        Assert.Equal(2, milvus.Rows("router_cache"));

        var create = milvus.LastCreate!;
        var index = create["indexParams"]![0]!;
        Assert.Equal("HNSW", index["indexType"]!.GetValue<string>());
        Assert.Equal("COSINE", index["metricType"]!.GetValue<string>());
        Assert.Equal(3600, create["params"]!["ttlSeconds"]!.GetValue<long>());
        Assert.Contains(create["schema"]!["fields"]!.AsArray(), f => f!["fieldName"]!.GetValue<string>() == "scope" && f["isPartitionKey"]?.GetValue<bool>() == true);
    }

    [Fact]
    public async Task Stores_guard_terms_and_refuses_a_near_miss_that_the_vector_search_returns()
    {
        await using var milvus = await FakeMilvusServer.StartAsync();
        await using var router = await CacheRouter.StartAsync(_backend.BaseUrl, store: Store(milvus.Uri, null));

        var first = await router.AskAsync("How do I boil an egg?");
        var nearMiss = await router.AskAsync("How do I boil a potato?");
        var rewording = await router.AskAsync("how do i boil an egg");

        Assert.False(nearMiss.CacheHit);
        Assert.True(rewording.CacheHit);
        Assert.Equal(first.Text, rewording.Text);
        Assert.Equal(2, _backend.Calls);
        Assert.Contains(milvus.LastCreate!["schema"]!["fields"]!.AsArray(), f => f!["fieldName"]!.GetValue<string>() == "terms");
    }

    [Fact]
    public async Task Invalidate_by_model_deletes_rows_in_milvus()
    {
        await using var milvus = await FakeMilvusServer.StartAsync();
        await using var router = await CacheRouter.StartAsync(_backend.BaseUrl, store: Store(milvus.Uri, null));
        await router.AskAsync("Which regions are supported?");
        await router.AskAsync("How much does storage cost?");

        var response = await router.Http.PostAsync("/api/v1/response-cache/invalidate", new StringContent("""{"model":"small"}"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"removed\":2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, milvus.Rows("router_cache"));
        Assert.False((await router.AskAsync("Which regions are supported?")).CacheHit);
    }

    [Fact]
    public async Task Unreachable_milvus_degrades_to_cache_misses_not_failed_requests()
    {
        var closedPort = FreePort.Next();
        await using var router = await CacheRouter.StartAsync(_backend.BaseUrl, store: Store($"http://127.0.0.1:{closedPort}", null));

        var first = await router.AskAsync("Does the cache survive an outage?");
        var second = await router.AskAsync("Does the cache survive an outage?");

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.False(second.CacheHit);
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task Wrong_token_is_a_miss_not_an_error()
    {
        await using var milvus = await FakeMilvusServer.StartAsync(token: "root:Milvus");
        Environment.SetEnvironmentVariable("CACHE_TEST_MILVUS_TOKEN_2", "root:wrong");
        await using var router = await CacheRouter.StartAsync(_backend.BaseUrl, store: Store(milvus.Uri, "CACHE_TEST_MILVUS_TOKEN_2"));

        var first = await router.AskAsync("Is auth checked?");
        var second = await router.AskAsync("Is auth checked?");

        Assert.Equal(200, second.Status);
        Assert.False(second.CacheHit);
        Assert.Equal(0, milvus.Rows("router_cache"));
        Assert.Equal(200, first.Status);
    }

    /// <summary>A generous timeout: on a loaded 2-core machine a 2 s call limit dropped writes and made tests flaky.</summary>
    internal static string Store(string uri, string? tokenEnv)
    {
        var token = tokenEnv is null ? string.Empty : "token_env: " + tokenEnv + ", ";
        return "{backend_type: milvus, embedding_model: hashing-ngram-512-v1, milvus: {uri: \"" + uri + "\", " + token + "collection: router_cache, timeout_seconds: 10}}";
    }
}
