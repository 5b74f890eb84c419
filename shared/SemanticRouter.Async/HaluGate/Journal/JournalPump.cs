using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>
/// Sends journaled audit messages to the queue, up to <see cref="MaxInFlight"/> at once, and acknowledges each to the
/// journal so fully sent segments are deleted. From start-up, and every <see cref="ReplayInterval"/>, it also replays
/// segments whose writer is gone (a crashed process, this machine) and deletes them once every record is on the queue;
/// a record may then reach the queue twice, which the audit handler ignores (it stores one result per request id).
/// On shutdown it keeps sending for up to <see cref="AuditEnqueuer.DrainTimeout"/>; what is left stays in the journal.
/// </summary>
internal sealed partial class JournalPump(AuditEnqueuer enqueuer, AuditQueueSender sender, ILogger<JournalPump> logger) : BackgroundService
{
    public const int MaxInFlight = 16;

    public static readonly TimeSpan ReplayInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _slots = new(MaxInFlight);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (enqueuer.Journal is not { } journal)
        {
            return;
        }

        using var drain = new CancellationTokenSource();
        using var stopping = stoppingToken.Register(() => drain.CancelAfter(AuditEnqueuer.DrainTimeout));
        var replay = ReplayLoopAsync(journal, stoppingToken);
        try
        {
            var reader = journal.Records;
            while (true)
            {
                if (!reader.TryRead(out var record))
                {
                    if (stoppingToken.IsCancellationRequested || !await WaitToReadAsync(reader, stoppingToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                await _slots.WaitAsync(drain.Token).ConfigureAwait(false);
                _ = SendAsync(journal, record, drain.Token);
            }

            for (var i = 0; i < MaxInFlight; i++)
            {
                await _slots.WaitAsync(drain.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            // What is not on the queue yet is in the journal; the next start replays it.
        }

        await replay.ConfigureAwait(false);
    }

    private static async Task<bool> WaitToReadAsync(System.Threading.Channels.ChannelReader<JournalRecord> reader, CancellationToken stoppingToken)
    {
        try
        {
            return await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return true; // stopping: take what is already journaled once more, then leave
        }
    }

    private async Task SendAsync(AuditJournal journal, JournalRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendWithRetryAsync(journal.Read(record), cancellationToken).ConfigureAwait(false);
            journal.Acknowledge(record);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the record stays in its segment.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable here; the segment is kept (never acknowledged) and replayed by the next start.
            LogReadFailed(e.GetType().Name);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task ReplayLoopAsync(AuditJournal journal, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReplayOrphansAsync(journal.Directory, stoppingToken).ConfigureAwait(false);
                await Task.Delay(ReplayInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogReplayFailed(e.GetType().Name);
                await Task.Delay(ReplayInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends every record of every orphaned segment, then deletes it; interrupted, the segment stays for the next try.</summary>
    internal async Task ReplayOrphansAsync(string directory, CancellationToken cancellationToken)
    {
        foreach (var (path, stream) in OrphanSegments.Claim(directory))
        {
            using (stream)
            {
                var lines = OrphanSegments.CompleteLines(stream);
                LogReplaying(lines.Count, Path.GetFileName(path));
                await Task.WhenAll(lines.Select(async line =>
                {
                    await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await sender.SendWithRetryAsync(line, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                })).ConfigureAwait(false);
                File.Delete(path);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying {Count} audit message(s) from the journal segment {Segment} left by a process that is gone")]
    private partial void LogReplaying(int count, string segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning the audit journal for segments to replay failed ({ExceptionType}); trying again later")]
    private partial void LogReplayFailed(string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading a record back from the audit journal failed ({ExceptionType}); its segment is kept for the next start to replay")]
    private partial void LogReadFailed(string exceptionType);
}
