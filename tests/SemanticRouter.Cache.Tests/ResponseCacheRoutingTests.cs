using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Tests;

/// <summary>The cache plugin inside the real router, in front of a real loopback backend.</summary>
public sealed class ResponseCacheRoutingTests : IAsyncLifetime
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
    public async Task Exact_repeat_is_served_from_cache_with_cache_headers()
    {
        var first = await _router.AskAsync("How do I reset my password?");
        var second = await _router.AskAsync("  How do I reset   my password? ");

        Assert.Equal(200, second.Status);
        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        Assert.Equal("cache", second.Header("x-vsr-response-path"));
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task Paraphrase_hits_and_reports_similarity_in_debug_mode()
    {
        var first = await _router.AskAsync("What is the capital of France?");
        var paraphrase = await _router.AskAsync("what's the capital of France", debug: true);

        Assert.True(paraphrase.CacheHit);
        Assert.Equal(first.Text, paraphrase.Text);
        var similarity = double.Parse(paraphrase.Header("x-vsr-cache-similarity")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(similarity, 0.5, 0.9999);
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task Unrelated_question_misses()
    {
        await _router.AskAsync("How do I reset my password?");
        var other = await _router.AskAsync("What is a good recipe for sourdough bread?");

        Assert.False(other.CacheHit);
        Assert.Contains("answer #2", other.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Is Paris bigger than London?", "Is London bigger than Paris?")]
    [InlineData("What was the GDP of Germany in 2023?", "What was the GDP of Germany in 2024?")]
    [InlineData("How do I install Python 3.12 on Ubuntu?", "How do I install Python 3.11 on Ubuntu?")]
    [InlineData("Compare the Pixel 8 with the iPhone 15.", "Compare the Pixel 8 with the Galaxy S24.")]
    public async Task Near_miss_with_swapped_entities_or_numbers_misses_at_default_threshold(string cached, string asked)
    {
        await _router.AskAsync(cached);
        var answer = await _router.AskAsync(asked);

        Assert.False(answer.CacheHit);
        Assert.Equal(2, _backend.Calls);
    }

    [Theory]
    [InlineData("How do I boil an egg?", "How do I boil a potato?")]
    [InlineData("How do I reset my password?", "How do I reset my router?")]
    [InlineData("How do I convert miles to kilometers?", "How do I convert kilometers to miles?")]
    [InlineData("Is it safe to eat raw eggs?", "Is it not safe to eat raw eggs?")]
    [InlineData("What is two plus three?", "What is two plus four?")]
    public async Task Near_miss_with_a_different_content_word_order_or_negation_misses_at_default_threshold(string cached, string asked)
    {
        await _router.AskAsync(cached);
        var answer = await _router.AskAsync(asked, debug: true);

        Assert.False(answer.CacheHit);
        Assert.Equal(2, _backend.Calls);
    }

    [Theory]
    [InlineData("How do I boil an egg?", "how do i boil an egg")]
    [InlineData("How do I delete a branch in git?", "How do I remove a branch in git?")]
    public async Task Rewording_that_keeps_the_content_words_hits(string cached, string asked)
    {
        var first = await _router.AskAsync(cached);
        var answer = await _router.AskAsync(asked);

        Assert.True(answer.CacheHit);
        Assert.Equal(first.Text, answer.Text);
        Assert.Equal(1, _backend.Calls);
    }

    [Fact]
    public async Task Default_strict_content_guard_misses_an_added_qualifier()
    {
        var first = await _router.AskAsync("How do I boil an egg?");
        var qualified = await _router.AskAsync("How do I boil an egg in the microwave?");
        var rewording = await _router.AskAsync("how do i boil an egg");

        Assert.False(qualified.CacheHit);
        Assert.True(rewording.CacheHit);
        Assert.Equal(first.Text, rewording.Text);
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task Substitution_content_guard_lets_an_added_qualifier_hit()
    {
        // The documented gap of content_guard: true (substitutions and swaps only), the higher-hit-rate option.
        await using var substitution = await CacheRouter.StartAsync(_backend.BaseUrl, plugin: "{mode: exact_then_semantic, content_guard: true}");
        await substitution.AskAsync("How do I boil an egg?");
        var qualified = await substitution.AskAsync("How do I boil an egg in the microwave?");
        var substituted = await substitution.AskAsync("How do I boil a potato?");

        Assert.True(qualified.CacheHit);
        Assert.False(substituted.CacheHit);
    }

    [Fact]
    public async Task Tenant_A_entry_is_never_served_to_tenant_B()
    {
        var a = await _router.AskAsync("What is our refund policy?", tenant: "tenant-a");
        var b = await _router.AskAsync("What is our refund policy?", tenant: "tenant-b");
        var anonymous = await _router.AskAsync("What is our refund policy?");
        var aAgain = await _router.AskAsync("What is our refund policy?", tenant: "tenant-a");

        Assert.False(b.CacheHit);
        Assert.False(anonymous.CacheHit);
        Assert.NotEqual(a.Text, b.Text);
        Assert.True(aAgain.CacheHit);
        Assert.Equal(a.Text, aAgain.Text);
        Assert.Equal(3, _backend.Calls);
    }

    [Fact]
    public async Task System_prompt_change_misses()
    {
        await _router.AskAsync("Summarise the plot of Hamlet.", system: "Answer in one sentence.");
        var changed = await _router.AskAsync("Summarise the plot of Hamlet.", system: "Answer in French.");
        var none = await _router.AskAsync("Summarise the plot of Hamlet.");
        var same = await _router.AskAsync("Summarise the plot of Hamlet.", system: "Answer in one sentence.");

        Assert.False(changed.CacheHit);
        Assert.False(none.CacheHit);
        Assert.True(same.CacheHit);
        Assert.Equal(3, _backend.Calls);
    }

    [Fact]
    public async Task Requested_model_change_misses()
    {
        await _router.AskAsync("Explain recursion.", model: "MoM");
        var other = await _router.AskAsync("Explain recursion.", model: "auto");

        Assert.False(other.CacheHit);
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task No_cache_skips_the_lookup_but_stores_and_no_store_keeps_the_answer_out()
    {
        await _router.AskAsync("What is a monad?", cacheControl: "no-store");
        var afterNoStore = await _router.AskAsync("What is a monad?", cacheControl: "no-cache");
        var cached = await _router.AskAsync("What is a monad?");

        Assert.False(afterNoStore.CacheHit);
        Assert.True(cached.CacheHit);
        Assert.Equal(afterNoStore.Text, cached.Text);
        Assert.Equal(2, _backend.Calls);
    }

    [Fact]
    public async Task Error_answers_are_not_cached()
    {
        _backend.Behavior = BackendBehavior.ServerError;
        var failed = await _router.AskAsync("Will this be cached?");
        _backend.Behavior = BackendBehavior.Ok;
        var next = await _router.AskAsync("Will this be cached?");

        Assert.NotEqual(200, failed.Status);
        Assert.False(next.CacheHit);
        Assert.Equal(200, next.Status);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_misses_make_one_upstream_call()
    {
        _backend.Delay = TimeSpan.FromMilliseconds(500);
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _router.AskAsync("Which plan includes SSO?")));

        Assert.Equal(1, _backend.Calls);
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Single(answers.Select(a => a.Text).Distinct());
        Assert.Equal(49, answers.Count(a => a.CacheHit));
    }

    [Fact]
    public async Task Waiters_take_over_when_the_single_flight_leader_fails()
    {
        await _router.AskAsync("warm up the router");
        _backend.Delay = TimeSpan.FromMilliseconds(300);
        _backend.FailNext = 1;
        var leader = _router.AskAsync("Is the status page green?");
        await Task.Delay(100);
        var waiters = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _router.AskAsync("Is the status page green?")));
        Assert.NotEqual(200, (await leader).Status);
        Assert.All(waiters, a => Assert.Equal(200, a.Status));
        Assert.Equal(4, waiters.Count(a => a.CacheHit));
        Assert.Equal(3, _backend.Calls);
    }

    [Fact]
    public async Task Ops_api_reports_hit_rate_and_invalidates_by_tenant_and_flushes()
    {
        await _router.AskAsync("Where is the office?", tenant: "acme");
        await _router.AskAsync("Where is the office?", tenant: "acme");
        await _router.AskAsync("Where is the office?", tenant: "globex");

        var stats = System.Text.Json.Nodes.JsonNode.Parse(await _router.Http.GetStringAsync("/api/v1/response-cache/stats"))!;
        Assert.Equal(2, stats["entries"]!.GetValue<long>());
        Assert.Equal(3, stats["decisions"]!["faq"]!["lookups"]!.GetValue<long>());
        Assert.Equal(1, stats["decisions"]!["faq"]!["hits"]!.GetValue<long>());

        var invalidate = await _router.Http.PostAsync("/api/v1/response-cache/invalidate", new StringContent("""{"tenant":"acme"}"""));
        Assert.Equal(200, (int)invalidate.StatusCode);
        Assert.Contains("\"removed\":1", await invalidate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await _router.AskAsync("Where is the office?", tenant: "acme")).CacheHit);
        Assert.True((await _router.AskAsync("Where is the office?", tenant: "globex")).CacheHit);

        var flush = await _router.Http.PostAsync("/api/v1/response-cache/flush", null);
        Assert.Equal(200, (int)flush.StatusCode);
        var runtime = _router.Services.GetRequiredService<ResponseCacheRuntime>();
        Assert.Equal(0, (await runtime.CurrentStore!.DescribeAsync(default)).Entries);
        Assert.Equal(400, (int)(await _router.Http.PostAsync("/api/v1/response-cache/invalidate", new StringContent("{}"))).StatusCode);
    }
}
