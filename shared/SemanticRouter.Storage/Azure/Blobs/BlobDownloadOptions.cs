namespace SemanticRouter.Storage.Azure.Blobs;

public sealed record BlobDownloadOptions
{
    /// <summary>Quoted ETag; when the blob still has it the service answers 304 and nothing is transferred.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>First byte of the range to read.</summary>
    public long Offset { get; init; }

    /// <summary>Number of bytes to read from <see cref="Offset"/>; null reads to the end.</summary>
    public long? Length { get; init; }

    /// <summary>Called with the number of bytes written by each chunk (including after a resume).</summary>
    public IProgress<long>? Progress { get; init; }
}
