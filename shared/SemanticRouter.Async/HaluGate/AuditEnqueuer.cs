using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Takes audit messages off the response path: the plugin writes to a bounded channel and this
/// service sends them to <c>halugate-audits</c>. When the channel is full the writer waits
/// (back-pressure) rather than dropping; a failed send is retried with back-off; on shutdown the
/// channel is drained for up to <see cref="DrainTimeout"/>, and whatever is left is logged by count.
/// </summary>
internal sealed partial class AuditEnqueuer(IQueueProvider queues, ILogger<AuditEnqueuer> logger) : BackgroundService
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<AuditMessage> _channel = Channel.CreateBounded<AuditMessage>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    public ValueTask EnqueueAsync(AuditMessage message, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(message, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryPeek(out var message))
                {
                    await SendWithRetryAsync(message, stoppingToken).ConfigureAwait(false);
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
            while (_channel.Reader.TryPeek(out var message))
            {
                await SendWithRetryAsync(message, drain.Token).ConfigureAwait(false);
                _channel.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            LogUnsent(_channel.Reader.Count);
        }
    }

    private async Task SendWithRetryAsync(AuditMessage message, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(message, AsyncJsonContext.Default.AuditMessage);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending an audit message failed (attempt {Attempt}, {ExceptionType}); retrying")]
    private partial void LogSendFailed(int attempt, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown left {Count} audit message(s) unsent")]
    private partial void LogUnsent(int count);
}
