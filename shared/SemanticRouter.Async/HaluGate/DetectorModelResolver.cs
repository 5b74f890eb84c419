using System.Security.Cryptography;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Finds the model named by <c>HALUGATE_DETECTOR_MODEL</c> in the models folder's <c>manifest.json</c> and checks
/// it before anything loads: listed, of a token-classifier kind, every file present with the manifest's size and
/// sha256. Every failure names the setting, so a misconfigured deployment says what to fix at startup.
/// </summary>
internal static class DetectorModelResolver
{
    /// <summary>Manifest kinds accepted for a detector (what <c>models manifest</c> writes for a …ForTokenClassification export, or the explicit name).</summary>
    public static readonly string[] Kinds = ["token-classifier", "hallucination-detector"];

    public static string Resolve(string modelsDirectory, string modelName)
    {
        var setting = AsyncSettings.DetectorModelSetting;
        var manifestPath = Path.Combine(modelsDirectory, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidOperationException($"{setting} names '{modelName}', but there is no {manifestPath} (regenerate it with `models manifest`).");
        }

        ModelManifest manifest;
        try
        {
            manifest = ModelManifestJson.Parse(File.ReadAllBytes(manifestPath), manifestPath);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"{setting}: {e.Message}", e);
        }

        var entry = manifest.Find(modelName)
            ?? throw new InvalidOperationException($"{setting} names '{modelName}', which is not in {manifestPath} (models there: {string.Join(", ", manifest.Models.Select(m => m.Name))}).");
        if (!Kinds.Contains(entry.Kind, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{setting} names '{modelName}', whose kind is '{entry.Kind}'; a hallucination detector must be one of: {string.Join(", ", Kinds)}.");
        }

        var folder = Path.GetFullPath(Path.Combine(modelsDirectory, entry.Prefix));
        foreach (var file in entry.Files)
        {
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{setting} names '{modelName}', but its file {path} is missing.");
            }

            using var stream = File.OpenRead(path);
            if (stream.Length != file.Size || Convert.ToHexStringLower(SHA256.HashData(stream)) != file.Sha256)
            {
                throw new InvalidOperationException($"{setting} names '{modelName}', but {path} does not match the manifest's size/sha256 (regenerate it with `models manifest`).");
            }
        }

        return folder;
    }
}
