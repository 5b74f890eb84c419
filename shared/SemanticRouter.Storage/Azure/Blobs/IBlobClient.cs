namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>Block blobs in one container. Every failure surfaces as <see cref="StorageRequestException"/>.</summary>
public interface IBlobClient
{
    string ContainerName { get; }

    /// <summary>Creates the container; false when it already existed.</summary>
    Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Uploads a block blob in one request, with Content-MD5 and (by default) a sha256 metadata entry. The stream must be seekable so retries can rewind it.</summary>
    Task<BlobProperties> UploadAsync(string blobName, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Streams a blob (or a range) into <paramref name="destination"/>; resumes after a broken connection without rewriting bytes.</summary>
    Task<BlobDownloadResult> DownloadToAsync(string blobName, Stream destination, BlobDownloadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Properties and metadata (HEAD); null when the blob does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>One page of a listing; pass <see cref="BlobListPage.NextMarker"/> back for the next one.</summary>
    Task<BlobListPage> ListPageAsync(string? prefix = null, string? marker = null, int? maxResults = null, CancellationToken cancellationToken = default);

    /// <summary>All blobs under a prefix, following continuation markers.</summary>
    IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when it did not exist.</summary>
    Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default);
}
