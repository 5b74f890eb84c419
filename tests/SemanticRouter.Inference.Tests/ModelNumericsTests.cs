using SemanticRouter.Inference.Models;

namespace SemanticRouter.Inference.Tests;

/// <summary>The model kinds, end to end from text, against the PyTorch reference of the fixtures.</summary>
public sealed class ModelNumericsTests
{
    [Fact]
    public void Sequence_classifier_tokenizes_like_the_reference_and_returns_softmax_of_its_logits()
    {
        using var classifier = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier));
        Assert.Equal(["math", "jailbreak", "other"], classifier.Labels);
        Assert.False(classifier.IsMultiLabel);
        foreach (var c in FixtureModels.Reference(FixtureModels.Classifier).Where(c => c.Texts.Length == 1))
        {
            Assert.Equal(c.InputIds[0].Select(i => (int)i), classifier.Tokenizer.Encode(c.Texts[0]).Ids);
            var result = classifier.Classify(c.Texts[0]);
            var expected = Softmax(c.Outputs["logits"].Data);
            FixtureModels.AssertClose(expected, result.Scores.Select(s => s.Score).ToArray());
            Assert.Equal(classifier.Labels[Array.IndexOf(expected, expected.Max())], result.Label);
        }
    }

    [Fact]
    public void Padded_batch_gives_each_row_the_reference_result()
    {
        using var classifier = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier));
        var batch = FixtureModels.Reference(FixtureModels.Classifier).Single(c => c.Texts.Length > 1);
        var results = classifier.ClassifyBatch(batch.Texts);
        var logits = batch.Outputs["logits"].Data;
        for (var r = 0; r < batch.Texts.Length; r++)
        {
            FixtureModels.AssertClose(Softmax(logits.AsSpan(r * 3, 3).ToArray()), results[r].Scores.Select(s => s.Score).ToArray());
        }
    }

    [Fact]
    public void Multi_label_problem_type_uses_sigmoid()
    {
        var folder = FixtureModels.CopyToTemp(FixtureModels.Classifier);
        try
        {
            var configPath = Path.Combine(folder, "config.json");
            File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("single_label_classification", "multi_label_classification", StringComparison.Ordinal));
            using var classifier = ModelLoader.LoadSequenceClassifier(folder);
            var c = FixtureModels.Reference(FixtureModels.Classifier)[0];
            var expected = c.Outputs["logits"].Data.Select(v => 1f / (1f + MathF.Exp(-v))).ToArray();
            Assert.True(classifier.IsMultiLabel);
            FixtureModels.AssertClose(expected, classifier.Classify(c.Texts[0]).Scores.Select(s => s.Score).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Token_classifier_tags_every_token_with_the_reference_probabilities()
    {
        using var classifier = ModelLoader.LoadTokenClassifier(FixtureModels.Folder(FixtureModels.TokenClassifier));
        foreach (var c in FixtureModels.Reference(FixtureModels.TokenClassifier).Where(c => c.Texts.Length == 1))
        {
            var tags = classifier.TagTokens(c.Texts[0]);
            var logits = c.Outputs["logits"].Data;
            for (var i = 0; i < tags.Count; i++)
            {
                var probabilities = Softmax(logits.AsSpan(i * 5, 5).ToArray());
                var best = Array.IndexOf(probabilities, probabilities.Max());
                Assert.Equal(classifier.Labels[best], tags[i].Label);
                Assert.InRange(tags[i].Score, probabilities[best] - 1e-4f, probabilities[best] + 1e-4f);
            }

            foreach (var span in classifier.Extract(c.Texts[0]))
            {
                Assert.InRange(span.Start, 0, span.End - 1);
                Assert.InRange(span.End, 1, c.Texts[0].Length);
            }
        }
    }

    [Fact]
    public void Embedder_mean_pools_and_normalises_like_sentence_transformers()
    {
        using var embedder = ModelLoader.LoadSentenceEmbedder(FixtureModels.Folder(FixtureModels.Embedder));
        Assert.Equal(32, embedder.Dimension);
        Assert.Equal(PoolingMode.Mean, embedder.Pooling);
        Assert.True(embedder.Normalize);
        var cases = FixtureModels.Reference(FixtureModels.Embedder);
        foreach (var c in cases.Where(c => c.Texts.Length == 1))
        {
            FixtureModels.AssertClose(c.Outputs["mean_pooled_normalized"].Data, embedder.Embed(c.Texts[0]));
        }

        var batch = cases.Single(c => c.Texts.Length > 1);
        var vectors = embedder.EmbedBatch(batch.Texts);
        for (var r = 0; r < vectors.Count; r++)
        {
            FixtureModels.AssertClose(batch.Outputs["mean_pooled_normalized"].Data.AsSpan(r * 32, 32), vectors[r]);
        }
    }

    [Fact]
    public async Task Embedder_cls_pooling_without_normalisation_when_configured()
    {
        using var embedder = ModelLoader.LoadSentenceEmbedder(FixtureModels.Folder(FixtureModels.Embedder), new ModelOptions { Pooling = PoolingMode.Cls, Normalize = false });
        var c = FixtureModels.Reference(FixtureModels.Embedder)[1];
        var vector = await embedder.EmbedAsync(c.Texts[0]);
        FixtureModels.AssertClose(c.Outputs["cls_pooled"].Data, vector);
    }

    [Fact]
    public void Multi_head_model_scores_every_head_from_one_pass()
    {
        Assert.Equal(ModelKind.MultiHeadClassifier, ModelLoader.DetectKind(FixtureModels.Folder(FixtureModels.MultiHead)));
        using var model = ModelLoader.LoadMultiHeadClassifier(FixtureModels.Folder(FixtureModels.MultiHead));
        Assert.Equal(["domain", "jailbreak"], model.Heads);
        Assert.Equal(["benign", "jailbreak"], model.LabelsOf("jailbreak"));
        foreach (var c in FixtureModels.Reference(FixtureModels.MultiHead).Where(c => c.Texts.Length == 1))
        {
            var result = model.Classify(c.Texts[0]);
            FixtureModels.AssertClose(Softmax(c.Outputs["logits_domain"].Data), result["domain"].Scores.Select(s => s.Score).ToArray());
            FixtureModels.AssertClose(Softmax(c.Outputs["logits_jailbreak"].Data), result["jailbreak"].Scores.Select(s => s.Score).ToArray());
        }
    }

    [Fact]
    public void Kind_is_detected_from_config_json()
    {
        Assert.Equal(ModelKind.SequenceClassifier, ModelLoader.DetectKind(FixtureModels.Folder(FixtureModels.Classifier)));
        Assert.Equal(ModelKind.TokenClassifier, ModelLoader.DetectKind(FixtureModels.Folder(FixtureModels.TokenClassifier)));
        Assert.Equal(ModelKind.SentenceEmbedder, ModelLoader.DetectKind(FixtureModels.Folder(FixtureModels.Embedder)));
    }

    internal static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(v => (float)(v / sum)).ToArray();
    }
}
