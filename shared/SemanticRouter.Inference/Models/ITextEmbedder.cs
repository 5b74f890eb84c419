namespace SemanticRouter.Inference.Models;

/// <summary>Text to a fixed-size vector; the seam the semantic cache and similarity signals depend on.</summary>
public interface ITextEmbedder
{
    int Dimension { get; }

    float[] Embed(string text);

    ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default);
}
