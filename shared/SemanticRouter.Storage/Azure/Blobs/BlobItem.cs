namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>One entry of a listing. <see cref="ETag"/> is quoted like the header form, so listings and HEAD compare equal.</summary>
public sealed record BlobItem(string Name, string ETag, long ContentLength, DateTimeOffset? LastModified, IReadOnlyDictionary<string, string> Metadata);
