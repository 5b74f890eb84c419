namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>An int64 input tensor (token ids, masks) in row-major order; the array is pinned only during a run.</summary>
public readonly record struct OrtInput(string Name, long[] Data, long[] Shape);
