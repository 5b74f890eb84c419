using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>
/// Block blobs in one container over the official SDK's <see cref="BlobContainerClient"/>. Adds what the model
/// store relies on: a sha256 metadata entry on upload, ETag-pinned resumable downloads with progress, and
/// <see cref="StorageRequestException"/> for every failure.
/// </summary>
internal sealed class AzureBlobClient(BlobContainerClient container) : IBlobClient
{
    private const int CopyBufferSize = 81920;
    private const int MaxPageSize = 5000;

    public string ContainerName => container.Name;

    public Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        StorageCalls.RunAsync("PUT", "/" + ContainerName, async () =>
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is not null);

    public async Task<Blobs.BlobProperties> UploadAsync(string blobName, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        StorageNames.ValidateBlobName(blobName);
        if (!content.CanSeek)
        {
            throw new ArgumentException("Upload content must be seekable so that a retry can resend it.", nameof(content));
        }

        options ??= new BlobUploadOptions();
        var metadata = new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var length = content.Length - content.Position;
        var (md5, sha256) = await HashAsync(content, cancellationToken).ConfigureAwait(false);
        if (options.StoreSha256)
        {
            metadata[Blobs.BlobProperties.Sha256MetadataName] = sha256;
        }

        StorageNames.ValidateMetadata(metadata);
        var upload = new global::Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = options.ContentType, ContentHash = md5 },
            Metadata = metadata,
            Conditions = new BlobRequestConditions
            {
                IfNoneMatch = options.Overwrite ? null : ETag.All,
                IfMatch = options.IfMatch is null ? null : new ETag(options.IfMatch),
            },
            ProgressHandler = options.Progress,

            // One Put Blob request up to the service's single-request limit, as the model files are: no block lists.
            TransferOptions = new global::Azure.Storage.StorageTransferOptions { InitialTransferSize = 5000L * 1024 * 1024, MaximumTransferSize = 4000L * 1024 * 1024 },
        };
        var info = await StorageCalls.RunAsync("PUT", Resource(blobName), async () =>
            (await container.GetBlobClient(blobName).UploadAsync(content, upload, cancellationToken).ConfigureAwait(false)).Value).ConfigureAwait(false);
        return new Blobs.BlobProperties(blobName, info.ETag.ToString("H"), length, options.ContentType, info.LastModified, md5, metadata);
    }

    public async Task<BlobDownloadResult> DownloadToAsync(string blobName, Stream destination, BlobDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        StorageNames.ValidateBlobName(blobName);
        options ??= new BlobDownloadOptions();
        if (options.Offset < 0 || options.Length is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Offset must be >= 0 and Length > 0.");
        }

        var request = new global::Azure.Storage.Blobs.Models.BlobDownloadOptions
        {
            Range = new HttpRange(options.Offset, options.Length),
            Conditions = options.IfNoneMatch is null ? null : new BlobRequestConditions { IfNoneMatch = new ETag(options.IfNoneMatch) },
        };

        return await StorageCalls.RunAsync("GET", Resource(blobName), async () =>
        {
            // A matching If-None-Match is not an error for the SDK: it answers 304 with no value.
            var response = await container.GetBlobClient(blobName).DownloadStreamingAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.GetRawResponse().Status == (int)HttpStatusCode.NotModified)
            {
                return new BlobDownloadResult(true, null, 0);
            }

            using (var download = response.Value)
            {
                // The SDK's stream resumes a broken connection itself with a ranged GET pinned to the first
                // response's ETag (If-Match), so a blob replaced mid-download fails instead of mixing versions.
                var properties = Properties(blobName, download.Details);
                long written = 0;
                var buffer = new byte[CopyBufferSize];
                int read;
                while ((read = await download.Content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    written += read;
                    options.Progress?.Report(read);
                }

                return new BlobDownloadResult(false, properties, written);
            }
        }).ConfigureAwait(false);
    }

    public Task<Blobs.BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(blobName);
        return StorageCalls.RunAsync("HEAD", Resource(blobName), async () =>
        {
            try
            {
                var p = (await container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                return new Blobs.BlobProperties(blobName, p.ETag.ToString("H"), p.ContentLength, p.ContentType, p.LastModified, p.ContentHash, CaseInsensitive(p.Metadata));
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return (Blobs.BlobProperties?)null;
            }
        });
    }

    public Task<BlobListPage> ListPageAsync(string? prefix = null, string? marker = null, int? maxResults = null, CancellationToken cancellationToken = default)
    {
        if (maxResults is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxResults), "1 to 5000 results per page.");
        }

        return StorageCalls.RunAsync("GET", "/" + ContainerName, async () =>
        {
            var pages = container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken)
                .AsPages(string.IsNullOrEmpty(marker) ? null : marker, maxResults);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var items = page.Values.Select(b => new BlobItem(
                    b.Name,
                    b.Properties.ETag?.ToString("H") ?? string.Empty,
                    b.Properties.ContentLength ?? 0,
                    b.Properties.LastModified,
                    CaseInsensitive(b.Metadata))).ToList();
                return new BlobListPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }

            return new BlobListPage([], null);
        });
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            var page = await ListPageAsync(prefix, marker, null, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    public Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(blobName);
        return StorageCalls.RunAsync("DELETE", Resource(blobName), async () =>
            (await container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value);
    }

    private string Resource(string blobName) => "/" + ContainerName + "/" + blobName;

    private static Blobs.BlobProperties Properties(string name, BlobDownloadDetails details)
    {
        // A ranged response reports the range; the blob's size is after the '/' in Content-Range, and the whole
        // blob's MD5 is BlobContentHash (ContentHash then describes the range, if anything).
        var length = details.ContentLength;
        if (details.ContentRange is { } range && range.LastIndexOf('/') is var slash and > 0
            && long.TryParse(range.AsSpan(slash + 1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var total))
        {
            length = total;
        }

        return new Blobs.BlobProperties(name, details.ETag.ToString("H"), length, details.ContentType, details.LastModified, details.BlobContentHash ?? details.ContentHash, CaseInsensitive(details.Metadata));
    }

    private static Dictionary<string, string> CaseInsensitive(IDictionary<string, string>? metadata) =>
        metadata is null ? new(StringComparer.OrdinalIgnoreCase) : new(metadata, StringComparer.OrdinalIgnoreCase);

    private static async Task<(byte[] Md5, string Sha256)> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        var start = content.Position;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
        }

        content.Position = start;
        return (md5.GetHashAndReset(), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
