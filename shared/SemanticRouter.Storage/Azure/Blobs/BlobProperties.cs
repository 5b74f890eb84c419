namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>What the service reports about a blob. <see cref="ETag"/> is the quoted header form, e.g. <c>"0x8DC..."</c>.</summary>
public sealed record BlobProperties(
    string Name,
    string ETag,
    long ContentLength,
    string? ContentType,
    DateTimeOffset? LastModified,
    byte[]? ContentMd5,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Metadata name under which uploads record the content's sha256 (lowercase hex).</summary>
    public const string Sha256MetadataName = "sha256";

    /// <summary>The sha256 recorded at upload time, when present.</summary>
    public string? Sha256 => Metadata.TryGetValue(Sha256MetadataName, out var value) ? value : null;
}
