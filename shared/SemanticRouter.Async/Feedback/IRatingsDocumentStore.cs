namespace SemanticRouter.Async.Feedback;

/// <summary>Where the ratings document lives, with compare-and-swap writes (ETags).</summary>
public interface IRatingsDocumentStore
{
    /// <summary>The document and its ETag; a new empty document and null when none exists yet.</summary>
    Task<(RatingsDocument Document, string? ETag)> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes if the stored ETag is still <paramref name="etag"/> (null: only if absent); returns false on a conflict.</summary>
    Task<bool> TryWriteAsync(RatingsDocument document, string? etag, CancellationToken cancellationToken);
}
