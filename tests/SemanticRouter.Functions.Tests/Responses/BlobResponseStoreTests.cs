using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Functions.Responses.Store;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests.Responses;

/// <summary>
/// The Azure store against Azurite: the same contract as the memory store, one blob per response under a per-tenant
/// prefix, and the router using it by default when a storage account is configured (two router instances on the
/// same account share stored responses).
/// </summary>
public sealed class BlobResponseStoreTests : AzuriteAccountTests
{
    [Fact]
    public Task Saves_gets_and_deletes_per_tenant() => ResponseStoreContract.SavesGetsAndDeletesPerTenantAsync(new BlobResponseStore(Account.GetBlobClient("contract"), TimeProvider.System));

    [Fact]
    public async Task Expired_responses_are_gone_and_their_blob_deleted()
    {
        var container = Account.GetBlobClient("expiry");
        await ResponseStoreContract.ExpiredResponsesAreGoneAsync(new BlobResponseStore(container, TimeProvider.System));

        Assert.Empty(await container.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Each_tenant_has_its_own_prefix_and_no_tenant_id_appears_in_a_blob_name()
    {
        var container = Account.GetBlobClient("prefixes");
        var store = new BlobResponseStore(container, TimeProvider.System);
        await store.SaveAsync("tenant-a@example", ResponseStoreContract.Response("resp_p1"), CancellationToken.None);
        await store.SaveAsync("tenant-b@example", ResponseStoreContract.Response("resp_p2"), CancellationToken.None);

        var names = (await container.ListAsync().ToListAsync()).Select(b => b.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Matches("^t-[0-9a-f]{32}/resp_p[12]\\.json$", n));
        Assert.NotEqual(names[0].Split('/')[0], names[1].Split('/')[0]);
        Assert.DoesNotContain(names, n => n.Contains("tenant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Router_instances_on_one_storageAccount_share_stored_responses()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        var yaml = TestConfigs.TwoModels(backend.BaseUrl, backend.BaseUrl, backend.BaseUrl);
        var environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = Azurite.ConnectionString };
        await using var first = await RunningRouter.StartAsync(new RouterHostOptions { ConfigYaml = yaml, Environment = name => environment.GetValueOrDefault(name) });
        await using var second = await RunningRouter.StartAsync(new RouterHostOptions { ConfigYaml = yaml, Environment = name => environment.GetValueOrDefault(name) });

        using var created = await first.Http.PostAsync("/v1/responses", new StringContent("""{"model":"small","input":"remember me"}""", Encoding.UTF8, "application/json"));
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;

        using var fetched = await second.Http.GetAsync($"/v1/responses/{id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(id, (string?)JsonNode.Parse(await fetched.Content.ReadAsStringAsync())!["id"]);
        using var followUp = await second.Http.PostAsync("/v1/responses", new StringContent($$"""{"model":"small","input":"who?","previous_response_id":"{{id}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal(3, backend.Requests.Last().Json["messages"]!.AsArray().Count);

        var blobs = await Account.GetBlobClient("responses").ListAsync().ToListAsync();
        Assert.Equal(BlobResponseStore.BlobName(string.Empty, id), Assert.Single(blobs, b => b.Name.EndsWith(id + ".json", StringComparison.Ordinal)).Name);
    }
}
