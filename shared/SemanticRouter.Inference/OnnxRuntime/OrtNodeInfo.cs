using Microsoft.ML.OnnxRuntime.Tensors;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>A model input or output as the session declares it; -1 in <see cref="Shape"/> marks a dynamic axis.</summary>
public sealed record OrtNodeInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape);
