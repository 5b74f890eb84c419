namespace SemanticRouter.Inference.Models;

/// <summary>Where an Optimum / transformers.js export keeps its graph: <c>model.onnx</c>, else <c>onnx/model.onnx</c>.</summary>
public static class OnnxModelFile
{
    /// <summary>The graph's path in <paramref name="folder"/>, or null when neither location has one.</summary>
    public static string? Find(string folder) =>
        new[] { Path.Combine(folder, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx") }.FirstOrDefault(File.Exists);

    /// <summary>The graph's path in <paramref name="folder"/>; throws, naming both locations, when neither has one.</summary>
    public static string Require(string folder) =>
        Find(folder) ?? throw new FileNotFoundException($"No ONNX model in '{folder}': expected model.onnx or onnx/model.onnx.", Path.Combine(folder, "model.onnx"));
}
