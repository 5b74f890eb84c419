namespace SemanticRouter.Storage.Azure;

/// <summary>How transient storage failures are retried (jittered exponential backoff).</summary>
public sealed record StorageRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; init; } = 6;

    /// <summary>Median first delay; later delays grow exponentially with decorrelated jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit for one metadata-sized request (not for blob bodies, which may take long).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
