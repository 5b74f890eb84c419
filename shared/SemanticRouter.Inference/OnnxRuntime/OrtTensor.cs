namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>A float32 model output copied out of ORT memory (row-major).</summary>
public sealed class OrtTensor
{
    public OrtTensor(string name, long[] shape, float[] data)
    {
        Name = name;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public IReadOnlyList<long> Shape { get; }

    public float[] Data { get; }
}
