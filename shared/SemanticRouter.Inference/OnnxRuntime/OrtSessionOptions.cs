namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>Per-model session settings; threads come from the process-wide pool (<see cref="OrtRuntimeOptions"/>).</summary>
public sealed record OrtSessionOptions
{
    /// <summary>ORT graph optimisation level: 0 none, 1 basic, 2 extended, 99 all.</summary>
    public int GraphOptimizationLevel { get; init; } = 99;

    /// <summary>The CPU arena reuses memory between runs (faster) but keeps the peak of variable-length batches.</summary>
    public bool UseMemoryArena { get; init; } = true;
}
