using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Observability;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// One receive loop for one queue: receive a batch, keep it hidden while the handler runs
/// (visibility renewal), then delete completed messages, move poison ones to
/// <c>&lt;queue&gt;-poison</c>, and let failed ones reappear after the retry delay; a message that has
/// failed <see cref="QueuePollerOptions.MaxDequeueCount"/> times goes to poison. When the loop is
/// cancelled (shutdown, crash) in-flight messages are simply abandoned: they become visible again
/// when their visibility expires, and the idempotent handler gives them no second effect. Every settled delivery is
/// counted once in <c>llm_queue_messages_total</c> (processed, duplicate, retried, poisoned).
/// </summary>
internal sealed partial class QueuePoller(IQueueMessageHandler handler, IQueueProvider queues, PoisonQueue poison, QueuePollerOptions options, ILogger<QueuePoller> logger, RouterMetrics? metrics = null)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var queue = await GetQueueAsync(cancellationToken).ConfigureAwait(false);
        var idle = options.MinPollingInterval;
        var batchSize = Math.Clamp(Math.Min(options.BatchSize, handler.MaxBatchSize), 1, QueuePollerOptions.MaxBatchSize);
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> received;
            try
            {
                received = await ReceiveBatchAsync(queue, batchSize, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StorageRequestException e)
            {
                LogReceiveFailed(handler.QueueName, e.Message);
                await DelayAsync(options.MaxPollingInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (received.Count == 0)
            {
                await DelayAsync(idle, cancellationToken).ConfigureAwait(false);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
                continue;
            }

            idle = options.MinPollingInterval;
            try
            {
                await ProcessAsync(queue, received, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Settling (delete/poison) failed, or a bug: the loop must outlive it. The messages
                // reappear after their visibility timeout and are handled idempotently.
                LogLoopFailed(handler.QueueName, e.GetType().Name, e.Message);
                await DelayAsync(options.MinPollingInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Fills a batch with up to 32 messages per service call; larger batches let the feedback
    /// handler apply more ratings per compare-and-swap round.
    /// </summary>
    private async Task<IReadOnlyList<QueueMessage>> ReceiveBatchAsync(IQueueClient queue, int batchSize, CancellationToken cancellationToken)
    {
        var first = await queue.ReceiveAsync(Math.Min(batchSize, 32), options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (batchSize <= 32 || first.Count < 32)
        {
            return first;
        }

        var all = new List<QueueMessage>(first);
        while (all.Count < batchSize)
        {
            var want = Math.Min(32, batchSize - all.Count);
            var more = await queue.ReceiveAsync(want, options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
            all.AddRange(more);
            if (more.Count < want)
            {
                break;
            }
        }

        return all;
    }

    /// <summary>Handles one received batch; exposed so tests can drive a single round.</summary>
    internal async Task ProcessAsync(IQueueClient queue, IReadOnlyList<QueueMessage> received, CancellationToken cancellationToken)
    {
        var receipts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in received)
        {
            receipts[m.MessageId] = m.PopReceipt;
        }

        var work = new List<QueueMessage>(received.Count);
        foreach (var m in received)
        {
            // Already failed too often (e.g. the process died while holding it each time).
            if (m.DequeueCount > options.MaxDequeueCount)
            {
                await PoisonAsync(queue, m, receipts, $"dequeue count {m.DequeueCount} exceeds {options.MaxDequeueCount}", cancellationToken).ConfigureAwait(false);
                metrics?.QueueMessageProcessed(handler.QueueName, QueueOutcomes.Poisoned);
            }
            else
            {
                work.Add(m);
            }
        }

        if (work.Count == 0)
        {
            return;
        }

        IReadOnlyList<MessageOutcome> outcomes;
        using (var renewal = new VisibilityRenewal(queue, receipts, options.VisibilityTimeout, cancellationToken))
        {
            try
            {
                outcomes = await handler.HandleAsync(work.Select(m => new QueueWorkItem(m.MessageId, m.Text, m.DequeueCount)).ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await renewal.StopAsync().ConfigureAwait(false);
                LogHandlerFailed(handler.QueueName, work.Count, e.GetType().Name, e.Message);
                foreach (var m in work)
                {
                    await FailAsync(queue, m, receipts, e.GetType().Name, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            await renewal.StopAsync().ConfigureAwait(false);
        }

        if (outcomes.Count != work.Count)
        {
            throw new InvalidOperationException($"Handler for {handler.QueueName} returned {outcomes.Count} outcomes for {work.Count} messages.");
        }

        // Settle the batch a few calls at a time: deletes dominate the cost of a large batch, but an
        // unbounded burst would open a connection per message and swamp the storage endpoint.
        await Parallel.ForAsync(0, work.Count, new ParallelOptions { MaxDegreeOfParallelism = SettleConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (outcomes[i].Completed)
            {
                await DeleteAsync(queue, work[i], receipts, ct).ConfigureAwait(false);
            }
            else
            {
                await PoisonAsync(queue, work[i], receipts, outcomes[i].PoisonReason ?? "rejected by handler", ct).ConfigureAwait(false);
            }

            metrics?.QueueMessageProcessed(handler.QueueName, outcomes[i].MetricOutcome);
        }).ConfigureAwait(false);
    }

    private const int SettleConcurrency = 8;

    private async Task FailAsync(IQueueClient queue, QueueMessage m, Dictionary<string, string> receipts, string reason, CancellationToken cancellationToken)
    {
        if (m.DequeueCount >= options.MaxDequeueCount)
        {
            await PoisonAsync(queue, m, receipts, $"failed {m.DequeueCount} time(s), last: {reason}", cancellationToken).ConfigureAwait(false);
            metrics?.QueueMessageProcessed(handler.QueueName, QueueOutcomes.Poisoned);
            return;
        }

        // Counted before the visibility update: even if that fails, the message reappears and is tried again.
        metrics?.QueueMessageProcessed(handler.QueueName, QueueOutcomes.Retried);

        try
        {
            await queue.UpdateVisibilityAsync(m.MessageId, receipts[m.MessageId], options.RetryDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e)
        {
            // Lost the message (receipt changed or it expired): it reappears on its own.
            LogUpdateFailed(handler.QueueName, m.MessageId, e.ErrorCode ?? e.Message);
        }
    }

    private async Task PoisonAsync(IQueueClient queue, QueueMessage m, Dictionary<string, string> receipts, string reason, CancellationToken cancellationToken)
    {
        await poison.MoveAsync(handler.QueueName, new QueueWorkItem(m.MessageId, m.Text, m.DequeueCount), reason, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(queue, m, receipts, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAsync(IQueueClient queue, QueueMessage m, Dictionary<string, string> receipts, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteAsync(m.MessageId, receipts[m.MessageId], cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e) when (e.ErrorCode is "MessageNotFound" or "PopReceiptMismatch")
        {
            // Another receiver took it after our visibility lapsed; its idempotent handling makes that harmless.
            LogUpdateFailed(handler.QueueName, m.MessageId, e.ErrorCode);
        }
    }

    private async Task<IQueueClient> GetQueueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await queues.GetAsync(handler.QueueName, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageRequestException e)
            {
                LogReceiveFailed(handler.QueueName, e.Message);
                await DelayAsync(options.MaxPollingInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop checks the token.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from queue {Queue} failed: {Error}")]
    private partial void LogReceiveFailed(string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for queue {Queue} failed on {Count} message(s): {ExceptionType}: {Error}")]
    private partial void LogHandlerFailed(string queue, int count, string exceptionType, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue} loop iteration failed: {ExceptionType}: {Error}")]
    private partial void LogLoopFailed(string queue, string exceptionType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} of queue {Queue} was no longer ours: {Code}")]
    private partial void LogUpdateFailed(string queue, string messageId, string code);
}
