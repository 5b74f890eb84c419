using System.Net;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class RetryTests(AzuriteServer azurite)
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Transient_statuses_are_retried_until_the_request_succeeds(HttpStatusCode status)
    {
        await using var proxy = await CountingProxy.StartAsync(azurite.BlobEndpoint);
        using var account = TestAccounts.ThroughProxy(azurite, proxy);
        var blobs = account.GetBlobClient(TestAccounts.UniqueName("retry"));
        proxy.FailNext(2, status);

        Assert.True(await blobs.CreateContainerIfNotExistsAsync());

        Assert.Equal([(int)status, (int)status, 201], proxy.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Exhausted_retries_surface_the_last_status_as_a_storage_exception()
    {
        await using var proxy = await CountingProxy.StartAsync(azurite.BlobEndpoint);
        using var account = TestAccounts.ThroughProxy(azurite, proxy);
        proxy.FailNext(100, HttpStatusCode.BadGateway);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => account.GetBlobClient("never").GetPropertiesAsync("x"));

        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.True(error.IsTransient);
        Assert.Equal(1 + TestAccounts.FastRetry.MaxRetryAttempts, proxy.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await using var proxy = await CountingProxy.StartAsync(azurite.BlobEndpoint);
        using var account = TestAccounts.ThroughProxy(azurite, proxy);
        proxy.FailNext(1, HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => account.GetBlobClient("never").CreateContainerIfNotExistsAsync());

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Single(proxy.Requests);
    }

    [Fact]
    public async Task Connection_refused_is_retried_then_reported_without_a_status()
    {
        var closedPort = FreePort.Next();
        using var account = new StorageAccount(
            new StorageAccountOptions { AccountName = AzuriteServer.AccountName, AccountKey = AzuriteServer.AccountKey, BlobEndpoint = new Uri($"http://127.0.0.1:{closedPort}/{AzuriteServer.AccountName}") },
            TestAccounts.FastRetry);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => account.GetBlobClient("c-x").GetPropertiesAsync("x"));

        Assert.Null(error.Status);
        Assert.True(error.IsTransient);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }
}
