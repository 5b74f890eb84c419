using System.Net;
using System.Text;
using Azure.Data.Tables;
using SemanticRouter.Core.Sessions;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Sessions;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests.Sessions;

/// <summary>
/// The Table store against Azurite's table service: the store contract, ETag concurrency between two writers, one
/// entity per hashed conversation key, router instances on one account sharing stickiness, and an outage that
/// leaves requests served.
/// </summary>
public sealed class TableSessionStoreTests : AzuriteAccountTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public Task Writes_are_conditional_on_the_version_read() =>
        SessionStoreContract.WritesAreConditionalOnTheVersionReadAsync(new TableSessionStore(Account.GetTableClient("contract"), _clock), _clock);

    [Fact]
    public Task Expired_records_read_as_absent_and_can_be_replaced() =>
        SessionStoreContract.ExpiredRecordsReadAsAbsentAndCanBeReplacedAsync(new TableSessionStore(Account.GetTableClient("expiry"), _clock), _clock);

    [Fact]
    public async Task Of_two_writers_holding_the_same_etag_only_the_first_wins()
    {
        // Two instances of the app: separate accounts, clients and stores on one table.
        using var other = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
        var a = new TableSessionStore(Account.GetTableClient("writers"), _clock);
        var b = new TableSessionStore(other.GetTableClient("writers"), _clock);
        var key = SessionStoreContract.Key();
        Assert.True(await a.TryWriteAsync(key, SessionStoreContract.Record(_clock), null, CancellationToken.None));
        var readByA = await a.GetAsync(key, CancellationToken.None);
        var readByB = await b.GetAsync(key, CancellationToken.None);
        Assert.Equal(readByA!.Version, readByB!.Version);

        Assert.True(await a.TryWriteAsync(key, SessionStoreContract.Record(_clock, "code", "small"), readByA.Version, CancellationToken.None));
        Assert.False(await b.TryWriteAsync(key, SessionStoreContract.Record(_clock, "chat", "small"), readByB.Version, CancellationToken.None));

        Assert.Equal("code", (await b.GetAsync(key, CancellationToken.None))!.Record.Decision);
    }

    [Fact]
    public async Task Two_instances_creating_one_conversation_at_once_leave_exactly_one_choice()
    {
        using var other = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
        var a = new TableSessionStore(Account.GetTableClient("race"), _clock);
        var b = new TableSessionStore(other.GetTableClient("race"), _clock);
        await a.GetAsync(SessionStoreContract.Key(), CancellationToken.None); // the table exists before the race
        var key = SessionStoreContract.Key();

        var results = await Task.WhenAll(
            a.TryWriteAsync(key, SessionStoreContract.Record(_clock, "math", "large"), null, CancellationToken.None).AsTask(),
            b.TryWriteAsync(key, SessionStoreContract.Record(_clock, "code", "small"), null, CancellationToken.None).AsTask());

        Assert.Single(results, won => won);
        var stored = await a.GetAsync(key, CancellationToken.None);
        Assert.Equal(results[0] ? "math" : "code", stored!.Record.Decision);
    }

    [Fact]
    public async Task Each_conversation_is_one_entity_keyed_by_its_hash_holding_no_prompt_text()
    {
        await using var small = await LoopbackBackend.StartAsync("small");
        await using var large = await LoopbackBackend.StartAsync("large");
        await using var router = await StartRouterAsync(small, large);

        using var turn = await PostChatAsync(router, ("user", "What is the integral of x squared?"));

        Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        var entities = await Account.GetTableClient("routersessions").QueryAsync<TableEntity>().ToListAsync();
        var entity = Assert.Single(entities);
        Assert.Matches("^[0-9a-f]{64}$", entity.PartitionKey);
        Assert.Equal(("math", "large", 100), (entity.GetString("Decision"), entity.GetString("Model"), entity.GetInt32("Priority")));
        Assert.DoesNotContain(((IDictionary<string, object>)entity).Values, v => v is string s && s.Contains("integral", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Router_instances_on_one_storageAccount_keep_a_conversation_on_one_model()
    {
        await using var small = await LoopbackBackend.StartAsync("small");
        await using var large = await LoopbackBackend.StartAsync("large");
        await using var first = await StartRouterAsync(small, large);
        await using var second = await StartRouterAsync(small, large);

        using var opening = await PostChatAsync(first, ("user", "What is the integral of x squared?"));
        using var followUp = await PostChatAsync(second, ("user", "What is the integral of x squared?"), ("assistant", "x^3/3 + C"), ("user", "Why?"));

        Assert.Equal("large", opening.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.False(opening.Headers.Contains("x-vsr-session-sticky"));
        Assert.Equal("large", followUp.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.Equal("true", followUp.Headers.GetValues("x-vsr-session-sticky").Single());
        Assert.Equal(2, large.Calls);
        Assert.Equal(0, small.Calls);
    }

    [Fact]
    public async Task A_storage_outage_routes_requests_normally()
    {
        await using var small = await LoopbackBackend.StartAsync("small");
        await using var large = await LoopbackBackend.StartAsync("large");
        await using var router = await StartRouterAsync(small, large);
        using var opening = await PostChatAsync(router, ("user", "What is the integral of x squared?"));
        Assert.Equal(HttpStatusCode.OK, opening.StatusCode);

        await Azurite.StopAsync();
        using var followUp = await PostChatAsync(router, ("user", "What is the integral of x squared?"), ("assistant", "x^3/3 + C"), ("user", "Why?"));

        // No stickiness without the store: the follow-up routes on its own signals, and is answered.
        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal("small", followUp.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.False(followUp.Headers.Contains("x-vsr-session-sticky"));
        Assert.Equal(1, small.Calls);
    }

    private Task<RunningRouter> StartRouterAsync(LoopbackBackend small, LoopbackBackend large)
    {
        var environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = Azurite.ConnectionString };
        return RunningRouter.StartAsync(new RouterHostOptions
        {
            ConfigYaml = SessionConfigs.Sticky(small.BaseUrl, large.BaseUrl, "{enabled: true, store_timeout_ms: 2000}"),
            Environment = name => environment.GetValueOrDefault(name),
        });
    }

    internal static Task<HttpResponseMessage> PostChatAsync(RunningRouter router, params (string Role, string Text)[] messages) =>
        PostChatAsync(router, null, messages);

    internal static async Task<HttpResponseMessage> PostChatAsync(RunningRouter router, string? sessionId, params (string Role, string Text)[] messages)
    {
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["model"] = "MoM",
            ["messages"] = new System.Text.Json.Nodes.JsonArray(messages.Select(m => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["role"] = m.Role, ["content"] = m.Text }).ToArray()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (sessionId is not null)
        {
            request.Headers.Add("x-vsr-session-id", sessionId);
        }

        return await router.Http.SendAsync(request);
    }
}
