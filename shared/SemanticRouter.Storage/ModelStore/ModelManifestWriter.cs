using System.Security.Cryptography;
using System.Text.Json;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// Builds the manifest from model folders so the training pipeline can regenerate it after every
/// run: models already listed keep their entry and get their file list re-hashed; a direct
/// subfolder not yet listed is added when it holds a <c>config.json</c> (standard Hugging Face
/// export layout), with kind and labels read from it (architectures, id2label).
/// </summary>
public static class ModelManifestWriter
{
    /// <summary>Training-only artefacts the runtime never reads (it runs ONNX only).</summary>
    private static readonly string[] ExcludedExtensions = [".pt", ".pth", ".bin", ".safetensors", ".ckpt", ".pyc", ".py", ".partial"];

    /// <summary>
    /// Re-hashes every model of <paramref name="existing"/> from its prefix folder (keeping its kind,
    /// labels, prefix and required flag; entries whose folder is gone are dropped), then adds
    /// folders of <paramref name="modelsDirectory"/> not yet listed that hold a <c>config.json</c>.
    /// </summary>
    public static async Task<ModelManifest> FromFoldersAsync(string modelsDirectory, ModelManifest? existing = null, CancellationToken cancellationToken = default)
    {
        var models = new List<ModelEntry>();
        if (!Directory.Exists(modelsDirectory))
        {
            return new ModelManifest(ModelManifest.CurrentVersion, models);
        }

        var root = Path.GetFullPath(modelsDirectory);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in existing?.Models ?? [])
        {
            var folder = Path.GetFullPath(Path.Combine(root, entry.Prefix));
            if (Directory.Exists(folder))
            {
                models.Add(entry with { Files = await DescribeFolderAsync(folder, cancellationToken).ConfigureAwait(false) });
                covered.Add(folder);
            }
        }

        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (covered.Contains(folder) || !IsModelFolder(folder, name) || models.Any(m => m.Name == name))
            {
                continue;
            }

            var (kind, labels) = ReadConfig(Path.Combine(folder, "config.json"));
            models.Add(new ModelEntry(name, kind, name, await DescribeFolderAsync(folder, cancellationToken).ConfigureAwait(false), labels));
        }

        return new ModelManifest(ModelManifest.CurrentVersion, models);
    }

    /// <summary>Regenerates <c>manifest.json</c> in <paramref name="modelsDirectory"/> (atomically) and returns it.</summary>
    public static async Task<ModelManifest> WriteAsync(string modelsDirectory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(modelsDirectory, ModelManifest.FileName);
        ModelManifest? existing = null;
        if (File.Exists(path))
        {
            existing = ModelManifestJson.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
        }

        var manifest = await FromFoldersAsync(modelsDirectory, existing, cancellationToken).ConfigureAwait(false);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        await File.WriteAllBytesAsync(temp, ModelManifestJson.Serialize(manifest), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        return manifest;
    }

    public static async Task<ModelFileEntry> DescribeFileAsync(string modelFolder, string file, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return new ModelFileEntry(Path.GetRelativePath(modelFolder, file).Replace('\\', '/'), Convert.ToHexStringLower(hash), stream.Length);
        }
    }

    private static bool IsModelFolder(string folder, string name) =>
        ModelManifestJson.IsModelName(name) && File.Exists(Path.Combine(folder, "config.json"));

    private static async Task<List<ModelFileEntry>> DescribeFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var files = new List<ModelFileEntry>();
        foreach (var file in EnumerateFiles(folder))
        {
            files.Add(await DescribeFileAsync(folder, file, cancellationToken).ConfigureAwait(false));
        }

        return files;
    }

    private static IEnumerable<string> EnumerateFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f =>
            {
                var relative = Path.GetRelativePath(folder, f).Replace('\\', '/');
                return !relative.Split('/').Any(s => s.StartsWith('.') || s == "__pycache__")
                    && !ExcludedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase);
            })
            .Order(StringComparer.Ordinal);

    private static (string Kind, IReadOnlyList<string>? Labels) ReadConfig(string configPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
            var root = document.RootElement;
            var architecture = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
                ? a[0].GetString() ?? string.Empty
                : string.Empty;
            var kind = architecture.EndsWith("ForTokenClassification", StringComparison.Ordinal) ? "token-classifier"
                : architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal) ? "sequence-classifier"
                : architecture.EndsWith("Model", StringComparison.Ordinal) ? "embedder"
                : architecture.Length is > 0 and <= 64 ? architecture
                : "unknown";
            List<string>? labels = null;
            if (kind is "token-classifier" or "sequence-classifier" && root.TryGetProperty("id2label", out var map) && map.ValueKind == JsonValueKind.Object)
            {
                labels = map.EnumerateObject()
                    .Select(p => (Id: int.TryParse(p.Name, out var id) ? id : int.MaxValue, Label: p.Value.GetString() ?? string.Empty))
                    .OrderBy(p => p.Id)
                    .Select(p => p.Label)
                    .ToList();
            }

            return (kind, labels);
        }
        catch (JsonException)
        {
            return ("unknown", null);
        }
    }
}
