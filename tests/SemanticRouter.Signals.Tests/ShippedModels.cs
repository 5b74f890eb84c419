using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Tests;

/// <summary>The models shipped in the repository's models/ folder, loaded once per test run through the real ONNX path.</summary>
public sealed class ShippedModels : IDisposable
{
    public ShippedModels()
    {
        Models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = Directory });
    }

    public static string Directory => Path.Combine(RepoPaths.Root, "models");

    public LearnedModels Models { get; }

    public void Dispose() => Models.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ShippedModelsCollection : ICollectionFixture<ShippedModels>
{
    public const string Name = "shipped models";
}
