using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Moves a message to <c>&lt;queue&gt;-poison</c> with its text unchanged (as the Functions host does),
/// so it can be inspected and re-driven. The reason is logged, never the message text.
/// </summary>
internal sealed partial class PoisonQueue(IQueueProvider queues, ILogger<PoisonQueue> logger)
{
    public async Task MoveAsync(string queueName, QueueWorkItem message, string reason, CancellationToken cancellationToken)
    {
        var poison = await queues.GetAsync(QueueNames.Poison(queueName), cancellationToken).ConfigureAwait(false);
        await poison.SendAsync(message.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogPoisoned(queueName, message.MessageId, message.DequeueCount, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of queue {Queue} moved to poison after {DequeueCount} attempt(s): {Reason}")]
    private partial void LogPoisoned(string queue, string messageId, long dequeueCount, string reason);
}
