namespace SemanticRouter.Async.Queues;

/// <summary>What a handler decided about one message. Transient failures are exceptions, so the message is retried.</summary>
public readonly record struct MessageOutcome(bool Completed, string? PoisonReason)
{
    public static MessageOutcome Done { get; } = new(true, null);

    /// <summary>The message can never succeed (malformed, unsupported version): move it to the poison queue now.</summary>
    public static MessageOutcome Poison(string reason) => new(false, reason);
}
