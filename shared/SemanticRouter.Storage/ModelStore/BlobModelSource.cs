using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// Models from a blob container into a local cache laid out as <c>{cache}/{model}/{contentHash}/{files}</c>.
/// A version is downloaded into a staging folder, every file checked against its sha256, and the
/// folder renamed into place in one step, so the cache never holds a partial or unverified model.
/// The manifest is kept beside the cache with its ETag: a warm start asks with If-None-Match and
/// transfers nothing when it is unchanged.
/// </summary>
internal sealed class BlobModelSource : IModelSource
{
    private const string StagingPrefix = ".staging-";
    private readonly IBlobClient _blobs;
    private readonly ModelStoreOptions _options;
    private readonly SemaphoreSlim _downloads;

    public BlobModelSource(IBlobClient blobs, ModelStoreOptions options)
    {
        _blobs = blobs;
        _options = options;
        _downloads = new SemaphoreSlim(Math.Max(1, options.MaxParallelDownloads));
    }

    public string Name => "blob";

    private string ManifestCopy => Path.Combine(_options.CacheDirectory, ModelManifest.FileName);

    private string ManifestTagFile => ManifestCopy + ".etag";

    public async Task<ManifestFetch> FetchManifestAsync(string? knownTag, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.CacheDirectory);
        var cachedTag = knownTag ?? ReadCachedTag();
        using var buffer = new BoundedBuffer(ModelManifestJson.MaxBytes);
        BlobDownloadResult result;
        try
        {
            result = await _blobs.DownloadToAsync(_options.ManifestBlobName, buffer, new BlobDownloadOptions { IfNoneMatch = cachedTag }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e) when (e.IsTransient && knownTag is null && cachedTag is not null)
        {
            // Storage unreachable at start but a verified cache exists: serve it rather than stay unready.
            return new ManifestFetch(await ReadCachedManifestAsync(cancellationToken).ConfigureAwait(false), cachedTag, false);
        }

        if (result.NotModified)
        {
            return knownTag is not null
                ? ManifestFetch.NotModified(knownTag)
                : new ManifestFetch(await ReadCachedManifestAsync(cancellationToken).ConfigureAwait(false), cachedTag!, false);
        }

        var bytes = buffer.ToArray();
        var manifest = ModelManifestJson.Parse(bytes, $"blob {_blobs.ContainerName}/{_options.ManifestBlobName}");
        var tag = result.Properties!.ETag;
        await WriteAtomicallyAsync(ManifestCopy, bytes, cancellationToken).ConfigureAwait(false);
        await WriteAtomicallyAsync(ManifestTagFile, System.Text.Encoding.UTF8.GetBytes(tag), cancellationToken).ConfigureAwait(false);
        return new ManifestFetch(manifest, tag, false);
    }

    public async Task<string> MaterializeAsync(ModelEntry model, IProgress<long> progress, CancellationToken cancellationToken)
    {
        var modelRoot = Path.Combine(_options.CacheDirectory, model.Name);
        var target = Path.Combine(modelRoot, model.ContentHash);
        if (IsComplete(target, model))
        {
            progress.Report(model.TotalBytes);
            return target;
        }

        var staging = Path.Combine(modelRoot, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            await Task.WhenAll(model.Files.Select(file => DownloadFileAsync(model, file, staging, progress, cancellationToken))).ConfigureAwait(false);
            if (Directory.Exists(target))
            {
                // Left incomplete by a crash, or filled meanwhile by another process sharing the cache.
                if (IsComplete(target, model))
                {
                    return target;
                }

                Directory.Delete(target, recursive: true);
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (IsComplete(target, model))
            {
                // Another process won the rename with the same verified content.
            }

            return target;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    public void Prune(string modelName, IReadOnlyCollection<string> keepHashes)
    {
        var modelRoot = Path.Combine(_options.CacheDirectory, modelName);
        if (!Directory.Exists(modelRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(modelRoot))
        {
            var name = Path.GetFileName(directory);
            if (!name.StartsWith(StagingPrefix, StringComparison.Ordinal) && !keepHashes.Contains(name))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Still open somewhere; the next refresh tries again.
                }
            }
        }
    }

    private async Task DownloadFileAsync(ModelEntry model, ModelFileEntry file, string staging, IProgress<long> progress, CancellationToken cancellationToken)
    {
        await _downloads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var path = Path.Combine(staging, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            string actualHash;
            long actualSize;
            await using (stream.ConfigureAwait(false))
            {
                using var hashing = new HashingWriteStream(stream);
                try
                {
                    await _blobs.DownloadToAsync(model.BlobName(file), hashing, new BlobDownloadOptions { Progress = progress }, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageRequestException e)
                {
                    throw new ModelStoreException(model.Name, file.Path, $"download of blob '{model.BlobName(file)}' failed: {e.Message}", e);
                }

                actualHash = hashing.HashHex();
                actualSize = hashing.BytesWritten;
            }

            if (actualHash != file.Sha256 || actualSize != file.Size)
            {
                File.Delete(path);
                throw new ModelStoreException(model.Name, file.Path, $"sha256 mismatch (expected {file.Sha256}, {file.Size} bytes; downloaded {actualHash}, {actualSize} bytes). The blob does not match the manifest; re-run `models upload`.");
            }
        }
        finally
        {
            _downloads.Release();
        }
    }

    private static bool IsComplete(string directory, ModelEntry model) =>
        Directory.Exists(directory) && model.Files.All(f =>
        {
            var info = new FileInfo(Path.Combine(directory, f.Path));
            return info.Exists && info.Length == f.Size;
        });

    private string? ReadCachedTag() =>
        File.Exists(ManifestTagFile) && File.Exists(ManifestCopy) ? File.ReadAllText(ManifestTagFile).Trim() : null;

    private async Task<ModelManifest> ReadCachedManifestAsync(CancellationToken cancellationToken) =>
        ModelManifestJson.Parse(await File.ReadAllBytesAsync(ManifestCopy, cancellationToken).ConfigureAwait(false), ManifestCopy);

    /// <summary>Refuses to grow past the manifest limit, so a huge or hostile blob is never read into memory.</summary>
    private sealed class BoundedBuffer(int maxBytes) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        private void Check(int count)
        {
            if (Length + count > maxBytes)
            {
                throw new InvalidDataException($"The model manifest blob is larger than {maxBytes} bytes.");
            }
        }
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
