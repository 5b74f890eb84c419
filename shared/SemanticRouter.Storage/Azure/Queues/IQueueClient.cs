namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>
/// One storage queue with Azure Queue semantics: a received message stays invisible for its
/// visibility timeout and comes back (dequeue count + 1) unless deleted with its current pop
/// receipt. Implemented over REST (<see cref="StorageAccount.GetQueueClient"/>) and in memory
/// (<see cref="InMemoryQueueClient"/>, the standalone default). Errors are <see cref="StorageRequestException"/>
/// with the service's codes (MessageNotFound, PopReceiptMismatch, QueueNotFound).
/// </summary>
public interface IQueueClient
{
    string QueueName { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Enqueues UTF-8 text (base64 on the wire, as Azure Functions queue triggers expect); at most 48 KiB of UTF-8.</summary>
    Task<QueueMessageReceipt> SendAsync(string text, TimeSpan? initialVisibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    /// <summary>Dequeues up to 32 visible messages and hides them for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default);

    /// <summary>Reads up to 32 visible messages without hiding them or counting a dequeue.</summary>
    Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(int maxMessages = 1, CancellationToken cancellationToken = default);

    /// <summary>Hides a received message for another <paramref name="visibilityTimeout"/> (0 makes it visible now); returns the new pop receipt.</summary>
    Task<QueueMessageReceipt> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default);

    /// <summary>Approximate number of messages, visible or not.</summary>
    Task<int> GetApproximateCountAsync(CancellationToken cancellationToken = default);
}
