using System.Text.Json;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// The files of an Optimum / transformers.js export: <c>model.onnx</c> or <c>onnx/model.onnx</c>, <c>tokenizer.json</c>
/// (or vocab.txt), <c>config.json</c>, and for sentence-transformers <c>1_Pooling/config.json</c> and <c>modules.json</c>.
/// </summary>
internal sealed class ModelFolder
{
    private ModelFolder(string path, string onnxPath, JsonElement config, TrunkReference? trunk)
    {
        Path = path;
        OnnxPath = onnxPath;
        Config = config;
        Trunk = trunk;
    }

    public string Path { get; }

    public string OnnxPath { get; }

    public JsonElement Config { get; }

    /// <summary>
    /// The shared lower graph when config.json has <c>"trunk": {"path", "output"}</c>: <see cref="OnnxPath"/> then
    /// takes the trunk's <c>output</c> as an input instead of starting from token ids (docs/inference.md).
    /// </summary>
    public TrunkReference? Trunk { get; }

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
        return new ModelFolder(full, onnx, config, ReadTrunk(full, config));
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

    private static TrunkReference? ReadTrunk(string folder, JsonElement config)
    {
        if (!config.TryGetProperty("trunk", out var trunk))
        {
            return null;
        }

        if (trunk.ValueKind != JsonValueKind.Object
            || !trunk.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(path.GetString())
            || !trunk.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(output.GetString()))
        {
            throw new InvalidDataException($"config.json of '{folder}': \"trunk\" must be an object with string \"path\" and \"output\".");
        }

        var file = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path.GetString()!));
        if (!file.StartsWith(folder + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"config.json of '{folder}': trunk path '{path.GetString()}' leaves the model folder.");
        }

        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"config.json of '{folder}' names a trunk graph that is missing: '{file}'.", file);
        }

        return new TrunkReference(file, output.GetString()!);
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
