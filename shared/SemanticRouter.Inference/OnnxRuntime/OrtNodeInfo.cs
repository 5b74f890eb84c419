namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>A model input or output as the session declares it; -1 in <see cref="Shape"/> marks a dynamic axis.</summary>
public sealed record OrtNodeInfo(string Name, OrtElementType ElementType, IReadOnlyList<long> Shape);

/// <summary>ONNXTensorElementDataType values the engine meets (others appear as their number).</summary>
public enum OrtElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
}
