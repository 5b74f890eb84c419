using SemanticRouter.Storage.Azure.Blobs;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>One step of an upload, for progress display.</summary>
public sealed record ModelUploadProgress(string Model, string File, long FileBytes, bool Skipped, int FilesDone, int FilesTotal);

/// <summary>What an upload did.</summary>
public sealed record ModelUploadSummary(int FilesUploaded, int FilesSkipped, long BytesUploaded, ModelManifest Manifest);

/// <summary>
/// Publishes a local models folder to a blob container: regenerates the manifest from the folders,
/// uploads each file whose blob does not already carry the same sha256, and writes
/// <c>manifest.json</c> last, so readers never see a manifest whose files are not there yet.
/// </summary>
public static class ModelUploader
{
    public static async Task<ModelUploadSummary> UploadAsync(IBlobClient blobs, string modelsDirectory, IProgress<ModelUploadProgress>? progress = null, string manifestBlobName = ModelManifest.FileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var manifest = await ModelManifestWriter.WriteAsync(modelsDirectory, cancellationToken).ConfigureAwait(false);
        await blobs.CreateContainerIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var total = manifest.Models.Sum(m => m.Files.Count);
        int uploaded = 0, skipped = 0;
        long bytes = 0;
        foreach (var model in manifest.Models)
        {
            var folder = Path.Combine(modelsDirectory, model.Prefix);
            foreach (var file in model.Files)
            {
                var blobName = model.BlobName(file);
                var existing = await blobs.GetPropertiesAsync(blobName, cancellationToken).ConfigureAwait(false);
                var same = existing is not null && existing.ContentLength == file.Size && existing.Sha256 == file.Sha256;
                if (!same)
                {
                    var stream = File.OpenRead(Path.Combine(folder, file.Path));
                    await using (stream.ConfigureAwait(false))
                    {
                        var uploadedBlob = await blobs.UploadAsync(blobName, stream, new BlobUploadOptions(), cancellationToken).ConfigureAwait(false);
                        if (uploadedBlob.Sha256 != file.Sha256)
                        {
                            throw new ModelStoreException(model.Name, file.Path, "changed on disk while uploading; run the upload again.");
                        }
                    }

                    uploaded++;
                    bytes += file.Size;
                }
                else
                {
                    skipped++;
                }

                progress?.Report(new ModelUploadProgress(model.Name, file.Path, file.Size, same, uploaded + skipped, total));
            }
        }

        using var manifestStream = new MemoryStream(ModelManifestJson.Serialize(manifest));
        await blobs.UploadAsync(manifestBlobName, manifestStream, new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        return new ModelUploadSummary(uploaded, skipped, bytes, manifest);
    }
}
