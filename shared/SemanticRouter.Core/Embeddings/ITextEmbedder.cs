namespace SemanticRouter.Core.Embeddings;

/// <summary>
/// Turns text into an L2-normalised vector, so cosine similarity is a dot product. The embedding
/// signal, complexity/preference signals and the semantic cache share one implementation
/// (the ONNX sentence embedder by default).
/// </summary>
public interface ITextEmbedder
{
    /// <summary>A stable name for the model behind it (cache entries are only comparable within one).</summary>
    string ModelName { get; }

    int Dimension { get; }

    ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken);
}
