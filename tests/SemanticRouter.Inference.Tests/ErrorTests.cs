using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Tests;

[Collection(NativeHandleCollection.Name)]
public sealed class ErrorTests
{
    [Fact]
    public void Missing_model_folder_or_onnx_file_is_a_clear_exception()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sr-none-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("Model folder not found", Assert.Throws<DirectoryNotFoundException>(() => ModelLoader.LoadSequenceClassifier(missing)).Message, StringComparison.Ordinal);

        var folder = FixtureModels.CopyToTemp(FixtureModels.Classifier);
        try
        {
            File.Delete(Path.Combine(folder, "onnx", "model.onnx"));
            var error = Assert.Throws<FileNotFoundException>(() => ModelLoader.LoadSequenceClassifier(folder));
            Assert.Contains("model.onnx or onnx/model.onnx", error.Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => OrtSession.Load(Path.Combine(folder, "nope.onnx")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Corrupt_model_file_is_an_ort_exception_naming_the_file_and_leaks_nothing()
    {
        var baseline = OrtHandleCounter.Live;
        var folder = FixtureModels.CopyToTemp(FixtureModels.Classifier);
        try
        {
            var onnx = Path.Combine(folder, "onnx", "model.onnx");
            var bytes = File.ReadAllBytes(onnx);
            File.WriteAllBytes(onnx, bytes.AsSpan(0, bytes.Length / 3).ToArray());

            var error = Assert.Throws<OrtException>(() => ModelLoader.LoadSequenceClassifier(folder));
            Assert.Contains(onnx, error.Message, StringComparison.Ordinal);
            Assert.NotEqual(OrtErrorCode.Ok, error.Code);

            File.WriteAllText(onnx, "this is not a model");
            Assert.Equal(OrtErrorCode.InvalidProtobuf, Assert.Throws<OrtException>(() => OrtSession.Load(onnx)).Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Equal(baseline, OrtHandleCounter.Live);
    }

    [Fact]
    public void Wrong_input_name_is_reported_by_ort_and_the_session_keeps_working()
    {
        var baseline = OrtHandleCounter.Live;
        using (var session = OrtSession.Load(FixtureModels.OnnxFile(FixtureModels.Classifier)))
        {
            long[] shape = [1, 3];
            var error = Assert.Throws<OrtException>(() => session.Run(new OrtInput[] { new("input_idz", [2, 7, 3], shape), new("attention_mask", [1, 1, 1], shape) }));
            Assert.Equal(OrtErrorCode.InvalidArgument, error.Code);
            Assert.Contains("input_idz", error.Message, StringComparison.Ordinal);

            var ok = session.Run(new OrtInput[] { new("input_ids", [2, 7, 3], shape), new("attention_mask", [1, 1, 1], shape), new("token_type_ids", [0, 0, 0], shape) });
            Assert.Equal([1L, 3L], ok[0].Shape);
        }

        Assert.Equal(baseline, OrtHandleCounter.Live);
    }

    [Fact]
    public void Model_declaring_inputs_the_engine_cannot_feed_is_rejected_at_load_with_its_input_names()
    {
        var baseline = OrtHandleCounter.Live;
        var folder = FixtureModels.CopyToTemp(FixtureModels.Classifier);
        try
        {
            // Renaming every occurrence keeps the graph valid: a model whose third input is "segment_id_xyz".
            var onnx = Path.Combine(folder, "onnx", "model.onnx");
            var bytes = File.ReadAllBytes(onnx);
            var from = "token_type_ids"u8.ToArray();
            var to = "segment_id_xyz"u8.ToArray();
            for (var i = bytes.AsSpan().IndexOf(from); i >= 0; i = bytes.AsSpan().IndexOf(from))
            {
                to.CopyTo(bytes, i);
            }

            File.WriteAllBytes(onnx, bytes);

            var error = Assert.Throws<NotSupportedException>(() => ModelLoader.LoadSequenceClassifier(folder));
            Assert.Contains("segment_id_xyz", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Equal(baseline, OrtHandleCounter.Live);
    }

    [Fact]
    public void Text_longer_than_max_length_is_truncated_by_default_or_rejected_when_asked()
    {
        var text = string.Join(' ', Enumerable.Repeat("math", 2000));
        using var truncating = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier));
        Assert.Equal(320, truncating.MaxLength);
        Assert.Equal(3, truncating.Classify(text).Scores.Count);

        using var strict = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier), new ModelOptions { Overflow = OverflowBehavior.Throw });
        var error = Assert.Throws<InputTooLongException>(() => strict.Classify(text));
        Assert.Equal(320, error.MaxLength);
        Assert.Equal(3, strict.Classify("short").Scores.Count);
    }

    [Fact]
    public void Length_beyond_the_models_positions_fails_in_ort_with_an_exception_not_a_crash()
    {
        var baseline = OrtHandleCounter.Live;
        using (var classifier = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier), new ModelOptions { MaxLength = 1000 }))
        {
            var error = Assert.Throws<OrtException>(() => classifier.Classify(string.Join(' ', Enumerable.Repeat("math", 600))));
            Assert.Contains("Running ONNX model", error.Message, StringComparison.Ordinal);
            Assert.Equal(3, classifier.Classify("still works").Scores.Count);
        }

        Assert.Equal(baseline, OrtHandleCounter.Live);
    }
}
