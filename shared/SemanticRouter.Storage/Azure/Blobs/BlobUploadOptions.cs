namespace SemanticRouter.Storage.Azure.Blobs;

public sealed record BlobUploadOptions
{
    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>User metadata: names are C# identifiers, values printable ASCII.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Record the content's sha256 as metadata <c>sha256</c> (the model store checks it).</summary>
    public bool StoreSha256 { get; init; } = true;

    /// <summary>False sends <c>If-None-Match: *</c>, so an existing blob fails with 409 BlobAlreadyExists.</summary>
    public bool Overwrite { get; init; } = true;

    /// <summary>Quoted ETag the blob must still have (optimistic concurrency); a changed blob fails with 412 ConditionNotMet.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Bytes sent so far in the current attempt.</summary>
    public IProgress<long>? Progress { get; init; }
}
