namespace SemanticRouter.Inference.Models;

/// <summary>Where an Optimum / transformers.js export keeps its graph: <c>model.onnx</c>, else <c>onnx/model.onnx</c>.</summary>
public static class OnnxModelFile
{
    /// <summary>The graph's path in <paramref name="folder"/>, or null when neither location has one.</summary>
    public static string? Find(string folder) =>
        new[] { Path.Combine(folder, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx") }.FirstOrDefault(File.Exists);
}
