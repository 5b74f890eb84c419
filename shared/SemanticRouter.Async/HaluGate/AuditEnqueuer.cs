using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.HaluGate.Journal;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Hands audit messages to <c>halugate-audits</c> durably (<c>global.halugate.hand_off</c>, docs/halugate.md "What is
/// guaranteed"); the interceptor awaits <see cref="HandOffAsync"/> before the answer's last byte goes to the client.
/// <c>journal</c>: the message is appended to this process's local journal (microseconds) and
/// <see cref="JournalPump"/> sends it; a crash leaves it on disk for the next start to replay. <c>queue</c>, and the
/// journal's fallbacks (full, I/O error): the message is sent to the queue and the call returns once the queue holds
/// it. Only when the queue cannot take it within <see cref="HandOffTimeout"/> (a storage outage) does the answer go
/// out first and the message wait in a bounded in-memory channel that this service keeps retrying with back-off;
/// those, and only those, are lost if the process dies before storage recovers (counted in <see cref="Deferred"/>).
/// </summary>
internal sealed partial class AuditEnqueuer : BackgroundService
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long an answer may wait for its audit to reach the queue before it is sent anyway (storage outage).</summary>
    public static readonly TimeSpan HandOffTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<string> _deferred = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly AuditQueueSender _sender;
    private readonly Lazy<AuditJournal?> _journal;
    private readonly ILogger<AuditEnqueuer> _logger;
    private readonly RouterMetrics? _metrics;
    private long _deferredCount;

    /// <param name="journal">Creates the journal on first use (null: <c>queue</c> mode); lazily, because the settings come from the config whose compilation creates the plugin that holds this service.</param>
    public AuditEnqueuer(AuditQueueSender sender, Func<AuditJournal?> journal, ILogger<AuditEnqueuer> logger, RouterMetrics? metrics = null)
    {
        _sender = sender;
        _journal = new Lazy<AuditJournal?>(journal, LazyThreadSafetyMode.ExecutionAndPublication);
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Messages accepted by the queue (handed off directly, from the journal, or after a deferral).</summary>
    public long Sent => _sender.Sent;

    /// <summary>Messages that missed the direct hand-off and went to the in-memory retry channel.</summary>
    public long Deferred => Interlocked.Read(ref _deferredCount);

    /// <summary>This process's journal; null in <c>queue</c> mode.</summary>
    public AuditJournal? Journal => _journal.Value;

    /// <summary>
    /// Journals <paramref name="message"/>, or sends it to the queue and completes when the queue holds it; after
    /// <see cref="HandOffTimeout"/> or a failed send it defers the message to the background retry and completes.
    /// </summary>
    public async ValueTask HandOffAsync(AuditMessage message, CancellationToken cancellationToken)
    {
        var line = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(line))
        {
            JsonSerializer.Serialize(writer, message, AsyncJsonContext.Default.AuditMessage);
        }

        var fallback = "none";
        if (Journal is { } journal)
        {
            line.Write("\n"u8);
            var appended = journal.TryAppend(line.WrittenSpan);
            if (appended == JournalAppend.Appended)
            {
                _metrics?.AuditHandOff("journaled", fallback);
                return;
            }

            fallback = appended == JournalAppend.Full ? "journal_full" : "journal_failed";
        }

        var text = Encoding.UTF8.GetString(line.WrittenSpan.TrimEnd((byte)'\n'));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandOffTimeout);
        try
        {
            await _sender.SendAsync(text, timeout.Token).ConfigureAwait(false);
            _metrics?.AuditHandOff("queued", fallback);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeferred(e.GetType().Name);
        }

        Interlocked.Increment(ref _deferredCount);
        _metrics?.AuditHandOff("deferred", fallback);
        await _deferred.Writer.WriteAsync(text, CancellationToken.None).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_journal.IsValueCreated)
        {
            _journal.Value?.Dispose();
        }
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
                    await _sender.SendWithRetryAsync(text, stoppingToken).ConfigureAwait(false);
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
                await _sender.SendWithRetryAsync(text, drain.Token).ConfigureAwait(false);
                _deferred.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            LogUnsent(_deferred.Reader.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An audit message missed the direct hand-off to the queue ({ExceptionType}); retrying it in the background")]
    private partial void LogDeferred(string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown left {Count} audit message(s) unsent")]
    private partial void LogUnsent(int count);
}
