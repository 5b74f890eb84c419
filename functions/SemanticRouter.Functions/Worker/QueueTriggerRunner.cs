using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Functions.Worker;

/// <summary>
/// Runs one queue-trigger invocation through the queue's <see cref="IQueueMessageHandler"/> (the handler the standalone
/// poller uses). Completed: the invocation succeeds and the host deletes the message. A message that can never succeed
/// (malformed, unsupported version) is moved to <c>&lt;queue&gt;-poison</c> now, and the invocation succeeds, so the host does
/// not retry it five times. A transient failure throws: the invocation fails, the host makes the message visible again
/// and, after <c>maxDequeueCount</c> deliveries, moves it to <c>&lt;queue&gt;-poison</c> itself. Handlers are idempotent,
/// so a redelivered message has no second effect.
/// </summary>
internal sealed partial class QueueTriggerRunner(IEnumerable<IQueueMessageHandler> handlers, PoisonQueue poison, QueuePollerOptions options, ILogger<QueueTriggerRunner> logger, RouterMetrics? metrics = null)
{
    private readonly Dictionary<string, IQueueMessageHandler> _byQueue = handlers.ToDictionary(h => h.QueueName, StringComparer.Ordinal);

    public async Task RunAsync(string queueName, string message, FunctionContext context)
    {
        var handler = _byQueue[queueName];
        var data = context.BindingContext.BindingData;
        var item = new QueueWorkItem(
            Text(data.GetValueOrDefault("Id")) ?? context.InvocationId,
            message,
            long.TryParse(Text(data.GetValueOrDefault("DequeueCount")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1);
        var cancellationToken = context.CancellationToken;
        MessageOutcome outcome;
        try
        {
            outcome = (await handler.HandleAsync([item], cancellationToken))[0];
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, handler.FunctionName, item.MessageId, item.DequeueCount, e.GetType().Name);

            // The host poisons a message whose last allowed delivery failed (host.json maxDequeueCount, mirrored by
            // QUEUE_MAX_DEQUEUE_COUNT); any earlier failure comes back.
            metrics?.QueueMessageProcessed(queueName, item.DequeueCount >= options.MaxDequeueCount ? QueueOutcomes.Poisoned : QueueOutcomes.Retried);
            throw;
        }

        if (!outcome.Completed)
        {
            // If the poison queue cannot be reached this throws: the host retries and eventually poisons the message itself.
            await poison.MoveAsync(queueName, item, outcome.PoisonReason ?? "rejected", cancellationToken);
        }

        metrics?.QueueMessageProcessed(queueName, outcome.MetricOutcome);
    }

    /// <summary>Trigger metadata as text: the host sends ids and counts as strings, numbers or JSON strings.</summary>
    private static string? Text(object? value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim();
        return text is { Length: >= 2 } && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text is { Length: > 0 } ? text : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed on message {MessageId} (dequeue count {DequeueCount}): {ExceptionType}; the host will retry it")]
    private static partial void LogFailed(ILogger logger, string function, string messageId, long dequeueCount, string exceptionType);
}
