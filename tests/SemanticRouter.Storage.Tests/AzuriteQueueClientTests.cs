using System.Net;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteQueueClientTests(AzuriteServer azurite) : QueueClientContract, IDisposable
{
    private readonly StorageAccount _account = TestAccounts.SharedKey(azurite);

    public void Dispose() => _account.Dispose();

    [Fact]
    public async Task Messages_are_base64_on_the_wire_as_Functions_queue_triggers_expect()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("{\"job\":\"x\"}");
        using var http = new HttpClient();

        // Read the raw XML through a second, independent path: a SAS-authorized GET of the peek endpoint.
        var sas = AccountSas.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey, "q", "r", DateTimeOffset.UtcNow.AddMinutes(10));
        var xml = await http.GetStringAsync(new Uri($"{azurite.QueueEndpoint}/{queue.QueueName}/messages?peekonly=true&{sas}"));

        Assert.Contains("<MessageText>eyJqb2IiOiJ4In0=</MessageText>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_on_a_missing_queue_report_QueueNotFound()
    {
        var queue = _account.GetQueueClient(TestAccounts.UniqueName("missing"));

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => queue.SendAsync("x"));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
    }

    protected override async Task<IQueueClient> NewQueueAsync()
    {
        var queue = _account.GetQueueClient(TestAccounts.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
