using Microsoft.ML.OnnxRuntime;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>Per-model session settings; threads come from the process-wide pool (<see cref="OrtRuntimeOptions"/>).</summary>
public sealed record OrtSessionOptions
{
    /// <summary>ORT graph optimisation level (default: all optimisations).</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>The CPU arena reuses memory between runs (faster) but keeps the peak of variable-length batches.</summary>
    public bool UseMemoryArena { get; init; } = true;
}
