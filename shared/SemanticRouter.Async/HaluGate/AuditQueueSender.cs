using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Async.HaluGate;

/// <summary>Sends audit message text to <c>halugate-audits</c>: once (the response path), or until accepted (background senders).</summary>
internal sealed partial class AuditQueueSender(IQueueProvider queues, ILogger<AuditQueueSender> logger)
{
    private long _sent;

    /// <summary>Messages the queue accepted, by any path.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(QueueNames.HalugateAudits, cancellationToken).ConfigureAwait(false);
        await queue.SendAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
    }

    /// <summary>Retries with exponential back-off (0.2 s doubling to 30 s) until the queue accepts or <paramref name="cancellationToken"/> fires.</summary>
    public async Task SendWithRetryAsync(string text, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendAsync(text, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSendFailed(attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * (1 << Math.Min(attempt, 8)))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending an audit message failed (attempt {Attempt}, {ExceptionType}); retrying")]
    private partial void LogSendFailed(int attempt, string exceptionType);
}
