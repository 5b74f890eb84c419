using System.Collections.Concurrent;

namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>In-process queues for standalone mode: one <see cref="InMemoryQueueClient"/> per name, shared by every caller.</summary>
public sealed class InMemoryQueueFactory(TimeProvider? timeProvider = null) : IQueueClientFactory
{
    private readonly ConcurrentDictionary<string, InMemoryQueueClient> _queues = new(StringComparer.Ordinal);

    public IQueueClient GetQueueClient(string queueName) =>
        _queues.GetOrAdd(queueName, name => new InMemoryQueueClient(name, timeProvider));
}
