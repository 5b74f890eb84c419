using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Embedding;

/// <summary>
/// Core's <see cref="Core.Embeddings.ITextEmbedder"/> over the default sentence embedder, so the semantic cache and
/// the embedding/complexity signals share one model. The model loads on first use.
/// </summary>
public sealed class LearnedTextEmbedder(LearnedModels models) : Core.Embeddings.ITextEmbedder
{
    private readonly PerFolder<string> _names = new(folder =>
    {
        var onnx = Inference.Models.OnnxModelFile.Find(folder);
        var name = models.NameOf(LearnedModel.SentenceEmbedder);
        if (onnx is null)
        {
            return name;
        }

        using var stream = File.OpenRead(onnx);
        return name + "@" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12];
    });

    /// <summary>The model folder name (<c>sentence-embedder</c> by default), what <c>embedding_model</c> names.</summary>
    public string ConfigName => models.NameOf(LearnedModel.SentenceEmbedder);

    /// <summary>
    /// The model name plus a hash of its ONNX file, so caches built with other weights (or an earlier version
    /// the model store has since replaced) are not compared.
    /// </summary>
    public string ModelName => _names.For(models.PathOf(LearnedModel.SentenceEmbedder));

    public int Dimension => models.SentenceEmbedder.Dimension;

    public async ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        await models.SentenceEmbedder.EmbedAsync(text, cancellationToken).ConfigureAwait(false);
}
