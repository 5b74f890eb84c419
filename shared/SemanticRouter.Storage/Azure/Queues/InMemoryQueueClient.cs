using System.Net;

namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>
/// An in-process queue with the same contract as a storage queue: visibility timeouts, dequeue
/// counts, pop receipts that change on every receive/update, expiry, and the service's error codes.
/// It is the standalone default when no storage account is configured; messages live only as long
/// as the process.
/// </summary>
public sealed class InMemoryQueueClient : IQueueClient
{
    private readonly object _gate = new();
    private readonly List<Entry> _messages = [];
    private readonly TimeProvider _time;
    private bool _created;

    public InMemoryQueueClient(string queueName, TimeProvider? timeProvider = null)
    {
        QueueName = StorageNames.ValidateContainerOrQueue(queueName, "queue");
        _time = timeProvider ?? TimeProvider.System;
    }

    public string QueueName { get; }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _created = true;
        }

        return Task.CompletedTask;
    }

    public Task<QueueMessageReceipt> SendAsync(string text, TimeSpan? initialVisibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateText(text);
        if (initialVisibilityDelay is { } delay && (delay < TimeSpan.Zero || delay > QueueLimits.MaxVisibility))
        {
            throw new ArgumentOutOfRangeException(nameof(initialVisibilityDelay), "0 s to 7 days.");
        }

        lock (_gate)
        {
            EnsureExists("POST");
            var now = _time.GetUtcNow();
            var ttl = timeToLive ?? QueueLimits.DefaultTimeToLive;
            var entry = new Entry(Guid.NewGuid().ToString(), text, now, ttl == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : now + ttl)
            {
                NextVisible = now + (initialVisibilityDelay ?? TimeSpan.Zero),
                PopReceipt = NewReceipt(),
            };
            _messages.Add(entry);
            return Task.FromResult(new QueueMessageReceipt(entry.Id, entry.PopReceipt, entry.NextVisible));
        }
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.FromSeconds(1));
        lock (_gate)
        {
            EnsureExists("GET");
            var now = _time.GetUtcNow();
            var received = new List<QueueMessage>();
            foreach (var entry in Visible(now).Take(maxMessages))
            {
                entry.DequeueCount++;
                entry.NextVisible = now + visibility;
                entry.PopReceipt = NewReceipt();
                received.Add(new QueueMessage(entry.Id, entry.Text, entry.DequeueCount, entry.Inserted, entry.Expires, entry.PopReceipt, entry.NextVisible));
            }

            return Task.FromResult<IReadOnlyList<QueueMessage>>(received);
        }
    }

    public Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        lock (_gate)
        {
            EnsureExists("GET");
            var peeked = Visible(_time.GetUtcNow()).Take(maxMessages)
                .Select(e => new PeekedQueueMessage(e.Id, e.Text, e.DequeueCount, e.Inserted, e.Expires))
                .ToList();
            return Task.FromResult<IReadOnlyList<PeekedQueueMessage>>(peeked);
        }
    }

    public Task<QueueMessageReceipt> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.Zero);
        lock (_gate)
        {
            var entry = Find("PUT", messageId, popReceipt);
            entry.NextVisible = _time.GetUtcNow() + visibility;
            entry.PopReceipt = NewReceipt();
            return Task.FromResult(new QueueMessageReceipt(entry.Id, entry.PopReceipt, entry.NextVisible));
        }
    }

    public Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _messages.Remove(Find("DELETE", messageId, popReceipt));
            return Task.CompletedTask;
        }
    }

    public Task<int> GetApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            EnsureExists("GET");
            var now = _time.GetUtcNow();
            _messages.RemoveAll(e => e.Expires <= now);
            return Task.FromResult(_messages.Count);
        }
    }

    private IEnumerable<Entry> Visible(DateTimeOffset now)
    {
        _messages.RemoveAll(e => e.Expires <= now);
        return _messages.Where(e => e.NextVisible <= now).OrderBy(e => e.NextVisible).ThenBy(e => e.Inserted).ToList();
    }

    private Entry Find(string method, string messageId, string popReceipt)
    {
        EnsureExists(method);
        var now = _time.GetUtcNow();
        var entry = _messages.Find(e => e.Id == messageId && e.Expires > now)
            ?? throw Error(method, "/messages/" + messageId, HttpStatusCode.NotFound, "MessageNotFound", "The specified message does not exist.");
        return entry.PopReceipt == popReceipt
            ? entry
            : throw Error(method, "/messages/" + messageId, HttpStatusCode.BadRequest, "PopReceiptMismatch", "The specified pop receipt did not match the pop receipt for a dequeued message.");
    }

    private void EnsureExists(string method)
    {
        if (!_created)
        {
            throw Error(method, string.Empty, HttpStatusCode.NotFound, "QueueNotFound", "The specified queue does not exist.");
        }
    }

    private StorageRequestException Error(string method, string path, HttpStatusCode status, string code, string message) =>
        new(method, "/" + QueueName + path, status, code, null, message);

    private static string NewReceipt() => Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    private sealed class Entry(string id, string text, DateTimeOffset inserted, DateTimeOffset expires)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public DateTimeOffset Inserted { get; } = inserted;

        public DateTimeOffset Expires { get; } = expires;

        public DateTimeOffset NextVisible { get; set; }

        public long DequeueCount { get; set; }

        public required string PopReceipt { get; set; }
    }
}
