using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Embedding;

/// <summary>
/// Core's <see cref="Core.Embeddings.ITextEmbedder"/> over the default sentence embedder, so the semantic cache and
/// the embedding/complexity signals share one model. The model loads on first use.
/// </summary>
public sealed class LearnedTextEmbedder(LearnedModels models) : Core.Embeddings.ITextEmbedder
{
    /// <summary>The model folder name plus a hash of its ONNX file, so caches built with other weights are not compared.</summary>
    public string ModelName => _name.Value;

    public int Dimension => models.SentenceEmbedder.Dimension;

    private readonly Lazy<string> _name = new(() =>
    {
        var folder = models.PathOf(LearnedModel.SentenceEmbedder);
        var onnx = new[] { Path.Combine(folder, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx") }.FirstOrDefault(File.Exists);
        if (onnx is null)
        {
            return Path.GetFileName(folder);
        }

        using var stream = File.OpenRead(onnx);
        return Path.GetFileName(folder) + "@" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12];
    });

    public async ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        await models.SentenceEmbedder.EmbedAsync(text, cancellationToken).ConfigureAwait(false);
}
