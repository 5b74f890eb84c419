using System.Net;
using System.Text.Json;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// The ratings as one JSON blob (<c>feedback-ratings/ratings.json</c>) updated with
/// <c>If-Match</c> (or <c>If-None-Match: *</c> for the first write): a concurrent writer gets
/// 412/409 and re-reads instead of overwriting, so parallel instances never lose an update.
/// </summary>
internal sealed class BlobRatingsDocumentStore(IBlobClient container, string blobName = BlobRatingsDocumentStore.DefaultBlobName) : IRatingsDocumentStore
{
    public const string DefaultBlobName = "ratings.json";

    private int _containerReady;

    public async Task<(RatingsDocument Document, string? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        try
        {
            var result = await container.DownloadToAsync(blobName, buffer, cancellationToken: cancellationToken).ConfigureAwait(false);
            var document = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), AsyncJsonContext.Default.RatingsDocument)
                ?? throw new InvalidDataException("ratings blob holds null");
            return (document, result.Properties!.ETag);
        }
        catch (StorageRequestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return (new RatingsDocument(), null);
        }
    }

    public async Task<bool> TryWriteAsync(RatingsDocument document, string? etag, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document, AsyncJsonContext.Default.RatingsDocument));
        try
        {
            await container.UploadAsync(
                blobName,
                content,
                new BlobUploadOptions { ContentType = "application/json", StoreSha256 = false, IfMatch = etag, Overwrite = etag is not null },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await container.CreateContainerIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _containerReady, 1);
        }
    }
}
