using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

/// <summary>One Azurite for every test class in this collection (start-up costs about a second).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
