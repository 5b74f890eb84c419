namespace SemanticRouter.Storage.Azure;

/// <summary>
/// The storage SDK's retry policy (exponential backoff with jitter) for 408, 429, 5xx, timeouts and connection
/// failures; downloads resume from the last byte received, pinned to the blob's ETag.
/// </summary>
public sealed record StorageRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; init; } = 6;

    /// <summary>First delay; later delays grow exponentially with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for one network operation (a response, or one read of a blob body) before retrying.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
