using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>One Azurite per test class that needs storage: queues and blobs have fixed names, so classes must not share one.</summary>
public abstract class AzuriteTest(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    protected AzuriteServer Azurite { get; } = azurite;
}
