namespace SemanticRouter.Async.Queues;

/// <summary>
/// Handles the messages of one queue. The same handler serves the standalone poller and the
/// Functions host's queue-trigger invocation, so both paths behave alike. Handlers must be
/// idempotent: a message can be delivered more than once (crash, visibility expiry).
/// Throw to signal a transient failure (the message becomes visible again and is retried).
/// </summary>
public interface IQueueMessageHandler
{
    string QueueName { get; }

    /// <summary>The function (folder) name the Functions host invokes for this queue.</summary>
    string FunctionName { get; }

    /// <summary>How many messages the poller may hand over in one call (1..32).</summary>
    int MaxBatchSize => 1;

    /// <summary>One outcome per message, in order.</summary>
    Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken);
}
