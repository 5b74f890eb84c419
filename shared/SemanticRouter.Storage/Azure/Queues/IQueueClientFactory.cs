namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>
/// Hands out queue clients by name, so a host picks storage queues (<see cref="StorageAccount"/>)
/// or in-process queues (<see cref="InMemoryQueueFactory"/>) in one place and producers and
/// consumers of the same queue name share it.
/// </summary>
public interface IQueueClientFactory
{
    IQueueClient GetQueueClient(string queueName);
}
