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

    public static async Task<string> ResolveAsync(string modelsDirectory, string modelName, CancellationToken cancellationToken = default)
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
            manifest = ModelManifestJson.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false), manifestPath);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"{setting}: {e.Message}", e);
        }

        var entry = manifest.Find(modelName)
            ?? throw new InvalidOperationException($"{setting} names '{modelName}', which is not in {manifestPath} (models there: {string.Join(", ", manifest.Models.Select(m => m.Name))}).");
        CheckKind(modelName, entry.Kind);
        var folder = Path.GetFullPath(Path.Combine(modelsDirectory, entry.Prefix));
        try
        {
            await ModelFiles.VerifyAsync(entry, folder, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelStoreException e)
        {
            throw new InvalidOperationException($"{setting} names '{modelName}', but {e.Message}", e);
        }

        return folder;
    }

    /// <summary>Throws, naming the setting, unless <paramref name="kind"/> is one a detector can be.</summary>
    public static void CheckKind(string modelName, string kind)
    {
        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{AsyncSettings.DetectorModelSetting} names '{modelName}', whose kind is '{kind}'; a hallucination detector must be one of: {string.Join(", ", Kinds)}.");
        }
    }
}
