using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Hands audit messages to <c>halugate-audits</c> durably: <see cref="HandOffAsync"/> sends the message to the queue
/// and returns once the queue has accepted it, and the interceptor awaits it before the answer's last byte goes to the
/// client, so an answered request's audit survives a crash of this process (kill -9 included). Concurrent requests
/// send concurrently over the pooled connections (no lock, no shared round). Only when the queue cannot take the
/// message within <see cref="HandOffTimeout"/> (a storage outage) does the answer go out first and the message wait in
/// a bounded in-memory channel that this service keeps retrying with back-off; those, and only those, are lost if the
/// process dies before storage recovers (counted in <see cref="Deferred"/>, logged on shutdown).
/// </summary>
internal sealed partial class AuditEnqueuer(IQueueProvider queues, ILogger<AuditEnqueuer> logger) : BackgroundService
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long an answer may wait for its audit to reach the queue before it is sent anyway (storage outage).</summary>
    public static readonly TimeSpan HandOffTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<string> _deferred = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private long _sent;
    private long _deferredCount;

    /// <summary>Messages accepted by the queue (handed off directly or after a deferral).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages that missed the direct hand-off and went to the in-memory retry channel.</summary>
    public long Deferred => Interlocked.Read(ref _deferredCount);

    /// <summary>
    /// Sends <paramref name="message"/> to the queue and completes when the queue holds it; after
    /// <see cref="HandOffTimeout"/> or a failed send it defers the message to the background retry and completes.
    /// </summary>
    public async ValueTask HandOffAsync(AuditMessage message, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(message, AsyncJsonContext.Default.AuditMessage);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandOffTimeout);
        try
        {
            var queue = await queues.GetAsync(QueueNames.HalugateAudits, timeout.Token).ConfigureAwait(false);
            await queue.SendAsync(text, cancellationToken: timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeferred(e.GetType().Name);
        }

        Interlocked.Increment(ref _deferredCount);
        await _deferred.Writer.WriteAsync(text, CancellationToken.None).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _deferred.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryPeek(out var text))
                {
                    await SendWithRetryAsync(text, stoppingToken).ConfigureAwait(false);
                    reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await DrainAsync().ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        using var drain = new CancellationTokenSource(DrainTimeout);
        try
        {
            while (_deferred.Reader.TryPeek(out var text))
            {
                await SendWithRetryAsync(text, drain.Token).ConfigureAwait(false);
                _deferred.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            LogUnsent(_deferred.Reader.Count);
        }
    }

    private async Task SendWithRetryAsync(string text, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var queue = await queues.GetAsync(QueueNames.HalugateAudits, cancellationToken).ConfigureAwait(false);
                await queue.SendAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSendFailed(attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * (1 << Math.Min(attempt, 8)))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An audit message missed the direct hand-off to the queue ({ExceptionType}); retrying it in the background")]
    private partial void LogDeferred(string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending an audit message failed (attempt {Attempt}, {ExceptionType}); retrying")]
    private partial void LogSendFailed(int attempt, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown left {Count} audit message(s) unsent")]
    private partial void LogUnsent(int count);
}
