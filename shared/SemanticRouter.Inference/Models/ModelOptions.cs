using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>How a model folder is run. Defaults suit a router: truncate long prompts, batch concurrent callers.</summary>
public sealed record ModelOptions
{
    /// <summary>Token limit; defaults to the smaller of the tokenizer's and the model's (max_position_embeddings).</summary>
    public int? MaxLength { get; init; }

    public OverflowBehavior Overflow { get; init; } = OverflowBehavior.Truncate;

    /// <summary>Most texts one ONNX run takes from concurrent async callers.</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>
    /// How long a batch waits for more callers after the first arrives. Zero takes whatever is already queued,
    /// which adds no latency at low load and still batches under load (requests queue while a batch runs).
    /// </summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.Zero;

    /// <summary>Embedders: override L2 normalisation (null = what the folder says).</summary>
    public bool? Normalize { get; init; }

    /// <summary>Embedders: override pooling (null = what the folder says).</summary>
    public PoolingMode? Pooling { get; init; }

    public OrtSessionOptions Session { get; init; } = new();
}

/// <summary>How token vectors become one sentence vector.</summary>
public enum PoolingMode
{
    Mean,
    Cls,
    Max,
}
