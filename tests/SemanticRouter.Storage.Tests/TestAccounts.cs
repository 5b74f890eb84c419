using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

/// <summary>Helpers that build clients for a test's Azurite (or a proxy in front of it).</summary>
internal static class TestAccounts
{
    /// <summary>Short retry delays so fault tests stay fast while still exercising backoff.</summary>
    public static readonly StorageRetryOptions FastRetry = new()
    {
        MaxRetryAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public static StorageAccount SharedKey(AzuriteServer azurite, StorageRetryOptions? retry = null) =>
        new(StorageAccountOptions.FromConnectionString(azurite.ConnectionString), retry ?? FastRetry);

    public static StorageAccount ThroughProxy(AzuriteServer azurite, CountingProxy blobProxy, StorageRetryOptions? retry = null, CountingProxy? queueProxy = null) =>
        new(
            new StorageAccountOptions
            {
                AccountName = AzuriteServer.AccountName,
                AccountKey = AzuriteServer.AccountKey,
                BlobEndpoint = blobProxy.Wrap(azurite.BlobEndpoint),
                QueueEndpoint = queueProxy?.Wrap(azurite.QueueEndpoint) ?? azurite.QueueEndpoint,
            },
            retry ?? FastRetry);

    /// <summary>A fresh, valid container or queue name per test so tests never see each other's data.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
}
