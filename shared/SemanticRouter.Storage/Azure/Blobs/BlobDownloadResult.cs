namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>
/// Outcome of a download. <see cref="NotModified"/> means <c>If-None-Match</c> matched and nothing
/// was written; then <see cref="Properties"/> is null.
/// </summary>
public sealed record BlobDownloadResult(bool NotModified, BlobProperties? Properties, long BytesWritten);
