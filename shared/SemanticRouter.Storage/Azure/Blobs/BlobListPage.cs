namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>A page of a listing; <see cref="NextMarker"/> is null on the last page.</summary>
public sealed record BlobListPage(IReadOnlyList<BlobItem> Items, string? NextMarker);
