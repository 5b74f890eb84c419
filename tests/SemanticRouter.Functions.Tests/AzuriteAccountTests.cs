using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>Tests of one store against a fresh in-memory Azurite, reached through the app's own storage account client.</summary>
public abstract class AzuriteAccountTests : IAsyncLifetime
{
    protected AzuriteServer Azurite { get; } = AzuriteServer.InMemoryOnly();

    protected StorageAccount Account { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.StartAsync();
        Account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        Account.Dispose();
        await Azurite.DisposeAsync();
    }
}
