namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Version 1 of a <c>halugate-audits</c> queue message: everything the audit needs, so any
/// instance can run it later. Texts are truncated to fit the queue's 64 KiB limit
/// (<see cref="Truncated"/> says so); the request id is the idempotency key.
/// </summary>
public sealed record AuditMessage
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required string RequestId { get; init; }

    public required string Context { get; init; }

    public required string Question { get; init; }

    public required string Answer { get; init; }

    public string? Model { get; init; }

    public string? Decision { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public bool Truncated { get; init; }

    /// <summary>Budgets in UTF-16 chars; ASCII-heavy text stays under the 48 KiB UTF-8 budget of a message.</summary>
    public const int MaxContextChars = 32 * 1024;

    public const int MaxQuestionChars = 4 * 1024;

    public const int MaxAnswerChars = 8 * 1024;
}
