using SemanticRouter.Inference.Models;

namespace SemanticRouter.Inference.Tests;

public sealed class ModelRegistryTests
{
    [Fact]
    public void Same_folder_and_kind_share_one_loaded_model()
    {
        using var registry = new ModelRegistry();
        var folder = FixtureModels.Folder(FixtureModels.Classifier);

        var first = registry.SequenceClassifier(folder);
        var second = registry.SequenceClassifier(Path.Combine(folder, "..", FixtureModels.Classifier));

        Assert.Same(first, second);
        Assert.NotSame(registry.SentenceEmbedder(FixtureModels.Folder(FixtureModels.Embedder)), first);
    }

    [Fact]
    public void A_failed_load_is_not_cached_so_a_fixed_folder_loads_on_retry()
    {
        using var registry = new ModelRegistry();
        var folder = FixtureModels.CopyToTemp(FixtureModels.Classifier);
        var onnx = Path.Combine(folder, "onnx", "model.onnx");
        var aside = onnx + ".aside";
        try
        {
            File.Move(onnx, aside);
            Assert.Throws<FileNotFoundException>(() => registry.SequenceClassifier(folder));

            File.Move(aside, onnx);
            Assert.Equal(3, registry.SequenceClassifier(folder).Labels.Count);
        }
        finally
        {
            registry.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }
}
