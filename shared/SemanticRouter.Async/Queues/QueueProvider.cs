using System.Collections.Concurrent;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>Creates each queue once per process and hands out the same client afterwards.</summary>
internal sealed class QueueProvider : IQueueProvider
{
    private readonly Func<string, IQueueClient> _create;
    private readonly ConcurrentDictionary<string, Lazy<Task<IQueueClient>>> _queues = new(StringComparer.Ordinal);

    private QueueProvider(Func<string, IQueueClient> create, bool inProcess)
    {
        _create = create;
        IsInProcess = inProcess;
    }

    public bool IsInProcess { get; }

    public static QueueProvider ForAccount(StorageAccount account) => new(account.GetQueueClient, inProcess: false);

    public static QueueProvider InProcess(TimeProvider? time = null) => new(name => new InMemoryQueueClient(name, time), inProcess: true);

    public Task<IQueueClient> GetAsync(string queueName, CancellationToken cancellationToken)
    {
        var lazy = _queues.GetOrAdd(queueName, name => new Lazy<Task<IQueueClient>>(() => CreateAsync(name)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // A failed creation (storage briefly unreachable) must not stick for the life of the process.
            _queues.TryRemove(new KeyValuePair<string, Lazy<Task<IQueueClient>>>(queueName, lazy));
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<IQueueClient> CreateAsync(string name)
    {
        var client = _create(name);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    }
}
