namespace SemanticRouter.Async.Queues;

/// <summary>What a handler decided about one message. Transient failures are exceptions, so the message is retried.</summary>
/// <param name="Duplicate">Completed without effect: an earlier delivery already did the work (idempotency), counted apart.</param>
public readonly record struct MessageOutcome(bool Completed, string? PoisonReason, bool Duplicate = false)
{
    public static MessageOutcome Done { get; } = new(true, null);

    /// <summary>A redelivered message whose effect is already there: deleted, counted as <c>duplicate</c>.</summary>
    public static MessageOutcome AlreadyDone { get; } = new(true, null, Duplicate: true);

    /// <summary>The message can never succeed (malformed, unsupported version): move it to the poison queue now.</summary>
    public static MessageOutcome Poison(string reason) => new(false, reason);

    /// <summary>The <c>llm_queue_messages_total</c> outcome label: processed, duplicate or poisoned.</summary>
    public string MetricOutcome => Duplicate ? QueueOutcomes.Duplicate : Completed ? QueueOutcomes.Processed : QueueOutcomes.Poisoned;
}

/// <summary>
/// The <c>outcome</c> values of <c>llm_queue_messages_total</c>; each message delivery gets exactly one, counted where
/// the message is settled (the standalone poller or the Functions trigger runner), never in a handler.
/// </summary>
public static class QueueOutcomes
{
    /// <summary>Handled and deleted.</summary>
    public const string Processed = "processed";

    /// <summary>A redelivery with no second effect (deleted).</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Failed transiently; visible again after the retry delay.</summary>
    public const string Retried = "retried";

    /// <summary>Moved to <c>&lt;queue&gt;-poison</c>: by the handler (malformed), or after too many deliveries.</summary>
    public const string Poisoned = "poisoned";
}
