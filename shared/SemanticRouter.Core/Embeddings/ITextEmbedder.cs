namespace SemanticRouter.Core.Embeddings;

/// <summary>
/// Turns text into an L2-normalised vector, so cosine similarity is a dot product. The embedding
/// signal, complexity/preference signals and the semantic cache share one implementation
/// (the ONNX sentence embedder by default).
/// </summary>
public interface ITextEmbedder
{
    /// <summary>
    /// The name a config writes to pick this embedder (<c>embedding_model</c>): the model folder name, the same
    /// whichever version of the model is loaded. Known without loading or downloading anything.
    /// </summary>
    string ConfigName { get; }

    /// <summary>
    /// The model behind it, version included (cache entries are only comparable within one); may change when a
    /// new version of the model is loaded, and may read the model's files to compute.
    /// </summary>
    string ModelName { get; }

    int Dimension { get; }

    ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken);
}
