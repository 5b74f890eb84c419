namespace SemanticRouter.Async.Feedback;

/// <summary>
/// Version 1 of a <c>feedback</c> queue message. <see cref="FeedbackId"/> is the idempotency key:
/// ingestion applies each id at most once. <see cref="Model"/> and <see cref="Decision"/> are
/// resolved by the webhook when it accepts the call, so ingestion on any instance can attribute it.
/// </summary>
public sealed record FeedbackMessage
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required string FeedbackId { get; init; }

    public string? RequestId { get; init; }

    public string? ResponseId { get; init; }

    /// <summary>"up", "down", or "1".."5".</summary>
    public required string Rating { get; init; }

    public string? Category { get; init; }

    /// <summary>SHA-256 prefix of the caller's user id; the raw id is never stored.</summary>
    public string? UserHash { get; init; }

    /// <summary>The model that served the request, or "unattributed".</summary>
    public required string Model { get; init; }

    /// <summary>The decision that routed the request; "-" when a concrete model was asked for.</summary>
    public required string Decision { get; init; }

    public DateTimeOffset Timestamp { get; init; }
}
