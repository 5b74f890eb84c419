using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Observability;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>The standalone pollers on real Azurite queues: crash redelivery, poison, and concurrent ingestion without lost updates.</summary>
public sealed class QueueReliabilityTests(AzuriteServer azurite) : AzuriteTest(azurite)
{
    [Fact]
    public async Task Message_held_by_a_crashed_worker_reappears_and_is_applied_exactly_once()
    {
        using var instance = Instance(out var queues, out var aggregator, out var view, "crash-" + Guid.NewGuid().ToString("N")[..8]);
        var feedback = await queues.GetAsync(QueueNames.Feedback, CancellationToken.None);
        await DrainAsync(feedback);
        var message = Feedback(Guid.NewGuid().ToString("N"), "crash", "small", "up");
        await feedback.SendAsync(message);
        var options = new QueuePollerOptions { VisibilityTimeout = TimeSpan.FromSeconds(2), MinPollingInterval = TimeSpan.FromMilliseconds(50), MaxPollingInterval = TimeSpan.FromMilliseconds(200) };

        // Worker 1 applies the rating, then dies before acknowledging: no delete, no visibility update.
        var applied = new TaskCompletionSource();
        var crashing = new CrashAfterHandler(new FeedbackIngestHandler(aggregator), applied);
        using var kill = new CancellationTokenSource();
        var worker1 = Poller(crashing, queues, options).RunAsync(kill.Token);
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await kill.CancelAsync();
        await worker1.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, (await feedback.GetApproximateCountAsync()));

        // Worker 2 (another instance) receives it once the visibility lapses; the handler sees the id was applied.
        var counting = new CountingHandler(new FeedbackIngestHandler(aggregator));
        using var stop = new CancellationTokenSource();
        var worker2 = Poller(counting, queues, options).RunAsync(stop.Token);
        await Eventually.TrueAsync(async () => await feedback.GetApproximateCountAsync() == 0, TimeSpan.FromSeconds(30), "redelivery to be completed");
        await stop.CancelAsync();
        await worker2;

        Assert.Equal([2L], counting.DequeueCounts);
        var document = await view.LoadAsync(CancellationToken.None);
        Assert.Equal(1, document.Pairs[RatingsDocument.Key("crash", "small")].Count);
    }

    [Fact]
    public async Task Message_that_keeps_failing_goes_to_poison_after_max_dequeue_count()
    {
        var queueName = "flaky-" + Guid.NewGuid().ToString("N")[..12];
        using var account = Account();
        var queues = QueueProvider.ForAccount(account);
        var queue = await queues.GetAsync(queueName, CancellationToken.None);
        await queue.SendAsync("""{"work":"never succeeds"}""");
        var failing = new AlwaysFailingHandler(queueName);
        var options = new QueuePollerOptions { MaxDequeueCount = 3, RetryDelay = TimeSpan.Zero, MinPollingInterval = TimeSpan.FromMilliseconds(50), MaxPollingInterval = TimeSpan.FromMilliseconds(100) };

        using var stop = new CancellationTokenSource();
        var worker = Poller(failing, queues, options).RunAsync(stop.Token);
        var poison = await queues.GetAsync(QueueNames.Poison(queueName), CancellationToken.None);
        var parked = await Eventually.GetAsync(async () => (await poison.PeekAsync(1)).FirstOrDefault(), TimeSpan.FromSeconds(30), "the poison message");
        await stop.CancelAsync();
        await worker;

        Assert.Equal("""{"work":"never succeeds"}""", parked.Text);
        Assert.Equal(3, failing.Attempts);
        Assert.Equal(0, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task Malformed_feedback_is_poisoned_on_first_delivery_and_valid_ones_in_the_batch_still_apply()
    {
        using var instance = Instance(out var queues, out var aggregator, out var view, "malformed-" + Guid.NewGuid().ToString("N")[..8]);
        var feedback = await queues.GetAsync(QueueNames.Feedback, CancellationToken.None);
        await DrainAsync(feedback);
        await feedback.SendAsync("{\"version\":1,\"feedback_id\":");
        await feedback.SendAsync(Feedback(Guid.NewGuid().ToString("N"), "malformed", "small", "5"));
        var received = await feedback.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal(2, received.Count);

        await Poller(new FeedbackIngestHandler(aggregator), queues, new QueuePollerOptions()).ProcessAsync(feedback, received, CancellationToken.None);

        var poison = await queues.GetAsync(QueueNames.Poison(QueueNames.Feedback), CancellationToken.None);
        Assert.Contains(await poison.PeekAsync(32), m => m.Text == "{\"version\":1,\"feedback_id\":");
        Assert.Equal(0, await feedback.GetApproximateCountAsync());
        Assert.Equal(1, (await view.LoadAsync(CancellationToken.None)).Pairs[RatingsDocument.Key("malformed", "small")].Stars[4]);
    }

    [Fact]
    public async Task Every_delivery_is_counted_once_by_outcome_including_duplicates_retries_and_poller_poisons()
    {
        using var metrics = new RouterMetrics();
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<(string Queue, string Outcome), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == "llm_queue_messages_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? queue = null, outcome = null;
            foreach (var tag in tags)
            {
                queue = tag.Key == "queue" ? (string?)tag.Value : queue;
                outcome = tag.Key == "outcome" ? (string?)tag.Value : outcome;
            }

            counted.AddOrUpdate((queue!, outcome!), value, (_, v) => v + value);
        });
        listener.Start();

        // Feedback: one new rating, its redelivery (same feedback id) and a malformed message, in one batch.
        using var instance = Instance(out var queues, out var aggregator, out _, "outcomes-" + Guid.NewGuid().ToString("N")[..8]);
        var feedback = await queues.GetAsync(QueueNames.Feedback, CancellationToken.None);
        await DrainAsync(feedback);
        var rating = Feedback(Guid.NewGuid().ToString("N"), "outcomes", "small", "up");
        await feedback.SendAsync(rating);
        await feedback.SendAsync(rating);
        await feedback.SendAsync("{\"version\":1,\"feedback_id\":");
        var received = await feedback.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal(3, received.Count);
        await Poller(new FeedbackIngestHandler(aggregator), queues, new QueuePollerOptions(), metrics).ProcessAsync(feedback, received, CancellationToken.None);

        // A handler that always fails: retried on the first delivery, poisoned by the poller on the last allowed one.
        var flakyName = "flaky-" + Guid.NewGuid().ToString("N")[..12];
        var flaky = await queues.GetAsync(flakyName, CancellationToken.None);
        await flaky.SendAsync("""{"work":"never succeeds"}""");
        var failing = Poller(new AlwaysFailingHandler(flakyName), queues, new QueuePollerOptions { MaxDequeueCount = 2, RetryDelay = TimeSpan.Zero }, metrics);
        await failing.ProcessAsync(flaky, await flaky.ReceiveAsync(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var second = await Eventually.GetAsync(async () => (await flaky.ReceiveAsync(1, TimeSpan.FromSeconds(30))).FirstOrDefault(), TimeSpan.FromSeconds(30), "the retried message");
        await failing.ProcessAsync(flaky, [second], CancellationToken.None);

        // A message already delivered more often than allowed (its workers died holding it): the poller poisons it unhandled.
        await flaky.SendAsync("""{"work":"held by dead workers"}""");
        _ = await flaky.ReceiveAsync(1, TimeSpan.FromSeconds(1));
        var overdue = await Eventually.GetAsync(async () => (await flaky.ReceiveAsync(1, TimeSpan.FromSeconds(30))).FirstOrDefault(), TimeSpan.FromSeconds(30), "the redelivered message");
        await Poller(new AlwaysFailingHandler(flakyName), queues, new QueuePollerOptions { MaxDequeueCount = 1 }, metrics).ProcessAsync(flaky, [overdue], CancellationToken.None);

        Assert.Equal(1, counted.GetValueOrDefault((QueueNames.Feedback, "processed")));
        Assert.Equal(1, counted.GetValueOrDefault((QueueNames.Feedback, "duplicate")));
        Assert.Equal(1, counted.GetValueOrDefault((QueueNames.Feedback, "poisoned")));
        Assert.Equal(1, counted.GetValueOrDefault((flakyName, "retried")));
        Assert.Equal(2, counted.GetValueOrDefault((flakyName, "poisoned")));
        Assert.Equal(6, counted.Values.Sum());
    }

    /// <remarks>
    /// What makes this test strong is contention, not volume: small batches (16) spread 1,200 messages over ~75
    /// compare-and-swap rounds on one blob from eight workers, the test asserts that every worker applied messages and
    /// that writes did conflict and were retried, and a 512-id dedupe window rolls over (as 8,000 messages against the
    /// default 4,096 did). 8,000 messages in batches of 128 took 3.5 of the suite's 10 minutes in Azurite round trips.
    /// </remarks>
    [Fact]
    public async Task Eight_concurrent_ingestion_workers_with_conflicting_writes_equal_a_sequential_reference()
    {
        const int Workers = 8;
        const int PerWorker = 150;
        const int DedupeWindow = 512;
        var blob = "ratings-" + Guid.NewGuid().ToString("N")[..8] + ".json";
        using var seed = Account();
        var feedback = await QueueProvider.ForAccount(seed).GetAsync(QueueNames.Feedback, CancellationToken.None);
        await DrainAsync(feedback);

        var random = new Random(7);
        string[] models = ["small", "large", "medium"];
        string[] decisions = ["math", "code", "chat"];
        string[] ratings = ["up", "down", "1", "2", "3", "4", "5"];
        var messages = new List<string>(Workers * PerWorker);
        for (var i = 0; i < Workers * PerWorker; i++)
        {
            messages.Add(Feedback(Guid.NewGuid().ToString("N"), decisions[random.Next(3)], models[random.Next(3)], ratings[random.Next(ratings.Length)], random.Next(4) == 0 ? "wrong_answer" : null));
        }

        // Sequential reference: every message folded into one document, in order, in memory.
        var expected = new RatingsDocument();
        foreach (var m in messages)
        {
            var f = FeedbackIngestHandler.Parse(m).Message!;
            var key = RatingsDocument.Key(f.Decision, f.Model);
            if (!expected.Pairs.TryGetValue(key, out var pair))
            {
                expected.Pairs[key] = pair = new PairRating { Decision = f.Decision, Model = f.Model };
            }

            pair.Add(f.Rating, f.Category);
        }

        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (m, ct) => await feedback.SendAsync(m, cancellationToken: ct));

        // Eight independent "instances": own storage account (connection pool), store, view and poller.
        var accounts = Enumerable.Range(0, Workers).Select(_ => Account()).ToList();
        using var stop = new CancellationTokenSource();
        var log = new CapturingLogger<QueuePoller>();
        var conflicts = new ConflictCounter();
        var stores = new List<RatingsView>();
        var handlers = new List<WorkerTally>();
        var loops = new List<Task>();
        foreach (var account in accounts)
        {
            var store = new BlobRatingsDocumentStore(account.GetBlobClient(QueueNames.RatingsContainer), blob);
            var view = new RatingsView(store, TimeSpan.FromHours(1), NullLogger<RatingsView>.Instance);
            stores.Add(view);
            var handler = new WorkerTally(new FeedbackIngestHandler(new RatingsAggregator(store, view, conflicts, DedupeWindow)));
            handlers.Add(handler);
            var options = new QueuePollerOptions { BatchSize = 16, VisibilityTimeout = TimeSpan.FromSeconds(300), MinPollingInterval = TimeSpan.FromMilliseconds(20), MaxPollingInterval = TimeSpan.FromMilliseconds(100) };
            var queues = QueueProvider.ForAccount(account);
            loops.Add(new QueuePoller(handler, queues, new PoisonQueue(queues, NullLogger<PoisonQueue>.Instance), options, log).RunAsync(stop.Token));
        }

        try
        {
            await Eventually.TrueAsync(async () => (await stores[0].LoadAsync(CancellationToken.None)).TotalApplied >= messages.Count, TimeSpan.FromMinutes(10), "all feedback to be applied", TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException e)
        {
            var applied = (await stores[0].LoadAsync(CancellationToken.None)).TotalApplied;
            throw new TimeoutException($"{e.Message}: {applied} applied; worker log: {string.Join(" | ", log.Entries.TakeLast(20))}", e);
        }

        await Eventually.TrueAsync(async () => await feedback.GetApproximateCountAsync() == 0, TimeSpan.FromMinutes(2), "the queue to drain");
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var actual = await stores[0].LoadAsync(CancellationToken.None);
        accounts.ForEach(a => a.Dispose());

        Assert.Equal(messages.Count, actual.TotalApplied);
        Assert.Equal(Canonical(expected), Canonical(actual));
        Assert.All(handlers, h => Assert.True(h.Handled > 0, "a worker never got a batch: the run was not concurrent"));
        Assert.True(conflicts.Count > 0, "no write conflicted: the compare-and-swap retry path was not exercised");
        Assert.True(messages.Count > 2 * DedupeWindow, "the dedupe window rolls over");
    }

    /// <summary>Counts the messages a worker's handler was given.</summary>
    private sealed class WorkerTally(IQueueMessageHandler inner) : IQueueMessageHandler
    {
        private int _handled;

        public int Handled => Volatile.Read(ref _handled);

        public string QueueName => inner.QueueName;

        public string FunctionName => inner.FunctionName;

        public int MaxBatchSize => inner.MaxBatchSize;

        public Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _handled, messages.Count);
            return inner.HandleAsync(messages, cancellationToken);
        }
    }

    /// <summary>Counts the aggregator's compare-and-swap conflicts (its Debug "write conflict" line).</summary>
    private sealed class ConflictCounter : ILogger<RatingsAggregator>
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith("Ratings write conflict", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    private static string Canonical(RatingsDocument d) => string.Join('\n', d.Pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        $"{p.Key}: up={p.Value.Up} down={p.Value.Down} stars={string.Join(',', p.Value.Stars)} cats={string.Join(',', p.Value.Categories.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value))}"));

    internal static string Feedback(string id, string decision, string model, string rating, string? category = null) => JsonSerializer.Serialize(new FeedbackMessage
    {
        FeedbackId = id,
        RequestId = "r-" + id[..8],
        Rating = rating,
        Category = category,
        Model = model,
        Decision = decision,
        Timestamp = DateTimeOffset.UtcNow,
    }, AsyncJsonContext.Default.FeedbackMessage);

    private StorageAccount Account() => new(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));

    private StorageAccount Instance(out QueueProvider queues, out RatingsAggregator aggregator, out RatingsView view, string blobName)
    {
        var account = Account();
        queues = QueueProvider.ForAccount(account);
        var store = new BlobRatingsDocumentStore(account.GetBlobClient(QueueNames.RatingsContainer), blobName + ".json");
        view = new RatingsView(store, TimeSpan.FromHours(1), NullLogger<RatingsView>.Instance);
        aggregator = new RatingsAggregator(store, view, NullLogger<RatingsAggregator>.Instance);
        return account;
    }

    private static QueuePoller Poller(IQueueMessageHandler handler, IQueueProvider queues, QueuePollerOptions options, RouterMetrics? metrics = null) =>
        new(handler, queues, new PoisonQueue(queues, NullLogger<PoisonQueue>.Instance), options, NullLogger<QueuePoller>.Instance, metrics);

    private static async Task DrainAsync(IQueueClient queue)
    {
        while ((await queue.ReceiveAsync(32, TimeSpan.FromSeconds(60))) is { Count: > 0 } batch)
        {
            foreach (var m in batch)
            {
                await queue.DeleteAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    /// <summary>Runs the real handler, signals, then never returns: a process that died after its side effect but before acknowledging.</summary>
    private sealed class CrashAfterHandler(IQueueMessageHandler inner, TaskCompletionSource applied) : IQueueMessageHandler
    {
        public string QueueName => inner.QueueName;

        public string FunctionName => inner.FunctionName;

        public async Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(messages, CancellationToken.None);
            applied.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class CountingHandler(IQueueMessageHandler inner) : IQueueMessageHandler
    {
        public List<long> DequeueCounts { get; } = [];

        public string QueueName => inner.QueueName;

        public string FunctionName => inner.FunctionName;

        public Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
        {
            DequeueCounts.AddRange(messages.Select(m => m.DequeueCount));
            return inner.HandleAsync(messages, cancellationToken);
        }
    }

    private sealed class AlwaysFailingHandler(string queueName) : IQueueMessageHandler
    {
        private int _attempts;

        public int Attempts => _attempts;

        public string QueueName => queueName;

        public string FunctionName => "Flaky";

        public Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            throw new IOException("downstream unavailable");
        }
    }
}
