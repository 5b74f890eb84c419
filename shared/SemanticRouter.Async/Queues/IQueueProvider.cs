using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>Gives the queue clients of this app: Azure Storage queues when storage is configured, in-process queues otherwise.</summary>
public interface IQueueProvider
{
    /// <summary>True when queues live in this process only (standalone without storage).</summary>
    bool IsInProcess { get; }

    /// <summary>A client for an existing queue (created on first use).</summary>
    Task<IQueueClient> GetAsync(string queueName, CancellationToken cancellationToken);
}
