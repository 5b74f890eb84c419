using System.Text.Json;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// The files of an Optimum / transformers.js export: <c>model.onnx</c> or <c>onnx/model.onnx</c>, <c>tokenizer.json</c>
/// (or vocab.txt), <c>config.json</c>, and for sentence-transformers <c>1_Pooling/config.json</c> and <c>modules.json</c>.
/// </summary>
internal sealed class ModelFolder
{
    private ModelFolder(string path, string onnxPath, JsonElement config)
    {
        Path = path;
        OnnxPath = onnxPath;
        Config = config;
    }

    public string Path { get; }

    public string OnnxPath { get; }

    public JsonElement Config { get; }

    public static ModelFolder Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var full = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Model folder not found: '{full}'.");
        }

        var onnx = OnnxModelFile.Require(full);
        var configPath = System.IO.Path.Combine(full, "config.json");
        var config = File.Exists(configPath) ? ReadJson(configPath) : JsonDocument.Parse("{}").RootElement.Clone();
        return new ModelFolder(full, onnx, config);
    }

    public int? MaxPositionEmbeddings => Config.TryGetProperty("max_position_embeddings", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public int? HiddenSize => Config.TryGetProperty("hidden_size", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public string? ProblemType => Config.TryGetProperty("problem_type", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public IReadOnlyList<string> Architectures => Config.TryGetProperty("architectures", out var v) && v.ValueKind == JsonValueKind.Array
        ? v.EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToArray()
        : [];

    /// <summary>Labels ordered by id from an <c>id2label</c> object; "LABEL_i" for gaps or when absent.</summary>
    public static string[] Labels(JsonElement owner, int count)
    {
        var labels = Enumerable.Range(0, count).Select(i => "LABEL_" + i).ToArray();
        if (owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("id2label", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in map.EnumerateObject())
            {
                if (int.TryParse(entry.Name, out var id) && id >= 0 && id < count)
                {
                    labels[id] = entry.Value.GetString() ?? labels[id];
                }
            }
        }

        return labels;
    }

    public JsonElement? ReadOptional(string relativePath)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        return File.Exists(path) ? ReadJson(path) : null;
    }

    private static JsonElement ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
