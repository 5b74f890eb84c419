using System.Security.Cryptography;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// Standalone mode: models are read in place from the local models folder. The manifest there is
/// used when present (and every file checked against it, so a stale manifest is caught at start);
/// otherwise one is computed from the model folders.
/// </summary>
internal sealed class LocalFolderModelSource(string modelsDirectory) : IModelSource
{
    public string Name => "local";

    public async Task<ManifestFetch> FetchManifestAsync(string? knownTag, CancellationToken cancellationToken)
    {
        var path = Path.Combine(modelsDirectory, ModelManifest.FileName);
        byte[] bytes;
        ModelManifest manifest;
        if (File.Exists(path))
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            manifest = ModelManifestJson.Parse(bytes, path);
        }
        else
        {
            manifest = await ModelManifestWriter.FromFoldersAsync(modelsDirectory, null, cancellationToken).ConfigureAwait(false);
            bytes = ModelManifestJson.Serialize(manifest);
        }

        var tag = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return tag == knownTag ? ManifestFetch.NotModified(tag) : new ManifestFetch(manifest, tag, false);
    }

    public async Task<string> MaterializeAsync(ModelEntry model, IProgress<long> progress, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(Path.Combine(modelsDirectory, model.Prefix));
        await ModelFiles.VerifyAsync(model, directory, progress, cancellationToken).ConfigureAwait(false);
        return directory;
    }

    public void Prune(string modelName, IReadOnlyCollection<string> keepHashes)
    {
        // The local folder is the user's own; nothing is cached here.
    }
}
