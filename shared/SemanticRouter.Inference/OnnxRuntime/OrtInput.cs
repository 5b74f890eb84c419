namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// An input tensor in row-major order: int64 (token ids, masks) in <see cref="Data"/>, or float32 (hidden states fed
/// from another graph) in <see cref="FloatData"/>. The array is pinned only during a run.
/// </summary>
public readonly record struct OrtInput(string Name, long[] Data, long[] Shape)
{
    /// <summary>Float32 values; when set, <see cref="Data"/> is ignored.</summary>
    public float[]? FloatData { get; init; }

    public int Length => FloatData?.Length ?? Data.Length;

    public static OrtInput Float(string name, float[] data, long[] shape) => new(name, [], shape) { FloatData = data };
}
