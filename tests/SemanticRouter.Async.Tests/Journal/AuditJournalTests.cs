using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.HaluGate.Journal;
using SemanticRouter.Async.Queues;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Tests.Journal;

/// <summary>
/// The audit journal (<c>global.halugate.hand_off.mode: journal</c>) on a real folder with the in-process queue:
/// rotation, replay of a gone writer's segments, ownership of a live writer's, and the fallbacks to the queue.
/// Two journals in one process stand for two processes: the exclusive lock is per open file, not per process.
/// </summary>
public sealed class AuditJournalTests : IDisposable
{
    private const string Answer = "The Eiffel Tower is 324 m tall and was completed in 1889.";

    private readonly string _directory = Directory.CreateTempSubdirectory("sr-journal-").FullName;
    private readonly IQueueProvider _queues = QueueProvider.InProcess();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Segments_rotate_by_size_and_are_deleted_once_the_pump_has_every_record_on_the_queue()
    {
        using var handOff = new HandOff(_queues, () => Journal(segmentBytes: 4096));
        await HandOffManyAsync(handOff.Enqueuer, "rot", 40);

        Assert.True(Segments().Length >= 3, $"40 records of ~400 bytes in 4 KiB segments make several segments, not {Segments().Length}");
        Assert.Equal(40, handOff.Enqueuer.Journal!.Backlog);
        Assert.Equal(0, await QueuedAsync());

        await handOff.StartPumpAsync();
        await Eventually.TrueAsync(async () => await QueuedAsync() == 40, what: "the journaled records on the queue");
        await Eventually.TrueAsync(() => Task.FromResult(Segments().Length <= 1), what: "the sent segments deleted (the active one may stay)");
        Assert.Equal(0, handOff.Enqueuer.Journal.Backlog);
        Assert.Equal(40, handOff.Enqueuer.Sent);
    }

    [Fact]
    public async Task Segments_of_a_writer_that_is_gone_are_replayed_to_the_queue_and_deleted()
    {
        using (var crashed = new HandOff(_queues, () => Journal(segmentBytes: 4096)))
        {
            await HandOffManyAsync(crashed.Enqueuer, "gone", 25);
        }

        // A crash mid-append leaves a torn last line: it was never acknowledged, so it is not replayed.
        await File.AppendAllTextAsync(Segments().Order(StringComparer.Ordinal).Last(), """{"version":1,"request_id":"torn""");
        Assert.Equal(0, await QueuedAsync());

        using var restarted = new HandOff(_queues, () => Journal(segmentBytes: 4096));
        await restarted.StartPumpAsync();

        await Eventually.TrueAsync(async () => await QueuedAsync() == 25, what: "the gone writer's records on the queue");
        await Eventually.TrueAsync(() => Task.FromResult(Segments().Length == 0), what: "the replayed segments deleted");
        Assert.DoesNotContain(await QueuedIdsAsync(), id => id.Contains("torn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_writers_segments_are_not_replayed_by_another_journal()
    {
        var live = new HandOff(_queues, () => Journal());
        await HandOffManyAsync(live.Enqueuer, "live", 10);
        using var other = new HandOff(_queues, () => Journal());
        var pump = other.Pump();

        await pump.ReplayOrphansAsync(_directory, CancellationToken.None);
        Assert.Equal(0, await QueuedAsync());
        Assert.Single(Segments());

        live.Dispose();
        await pump.ReplayOrphansAsync(_directory, CancellationToken.None);
        Assert.Equal(10, await QueuedAsync());
        Assert.Empty(Segments());
    }

    [Fact]
    public async Task A_full_journal_sends_to_the_queue_on_the_response_path_and_drops_nothing()
    {
        var logger = new CapturingLogger<AuditJournal>();
        using var handOff = new HandOff(_queues, () => new AuditJournal(_directory, maxBytes: 2048, segmentBytes: 1024, logger));
        await HandOffManyAsync(handOff.Enqueuer, "full", 20);

        var journaled = handOff.Enqueuer.Journal!.Backlog;
        Assert.InRange(journaled, 1, 6);
        Assert.Equal(20 - journaled, await QueuedAsync());
        Assert.Contains(logger.Entries, e => e.Contains("audit journal holds 2048 bytes", StringComparison.Ordinal));

        await handOff.StartPumpAsync();
        await Eventually.TrueAsync(async () => await QueuedAsync() == 20, what: "every record on the queue once the journal drains");
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_sends_to_the_queue_with_a_warning_and_no_prompt_text()
    {
        var notAFolder = Path.Combine(_directory, "file");
        await File.WriteAllTextAsync(notAFolder, "a file where the journal folder should be");
        var logger = new CapturingLogger<AuditJournal>();
        using var handOff = new HandOff(_queues, () => new AuditJournal(Path.Combine(notAFolder, "journal"), 1 << 20, 1 << 16, logger));

        await HandOffManyAsync(handOff.Enqueuer, "io", 3);

        Assert.Equal(3, await QueuedAsync());
        Assert.Equal(0, handOff.Enqueuer.Journal!.Backlog);
        var warning = Assert.Single(logger.Entries);
        Assert.Contains("Writing the audit journal failed", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("Eiffel", warning, StringComparison.Ordinal);
    }

    private AuditJournal Journal(long maxBytes = 1 << 20, long segmentBytes = 1 << 16) =>
        new(_directory, maxBytes, segmentBytes, NullLogger<AuditJournal>.Instance);

    private string[] Segments() => Directory.GetFiles(_directory, "*" + AuditJournal.SegmentExtension);

    private static async Task HandOffManyAsync(AuditEnqueuer enqueuer, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await enqueuer.HandOffAsync(new AuditMessage { RequestId = $"{prefix}-{i}", Context = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 as the entrance arch for the World's Fair.", Question = "How tall is the Eiffel Tower?", Answer = Answer, Timestamp = DateTimeOffset.UtcNow }, CancellationToken.None);
        }
    }

    private async Task<int> QueuedAsync() => await (await _queues.GetAsync(QueueNames.HalugateAudits, CancellationToken.None)).GetApproximateCountAsync();

    private async Task<List<string>> QueuedIdsAsync()
    {
        var queue = await _queues.GetAsync(QueueNames.HalugateAudits, CancellationToken.None);
        var peeked = await queue.PeekAsync(32);
        return [.. peeked.Select(m => HalugateAuditHandler.Parse(m.Text).Message?.RequestId ?? m.Text)];
    }

    /// <summary>One process's hand-off: the enqueuer with its journal, and the pump when started.</summary>
    private sealed class HandOff : IDisposable
    {
        private readonly AuditQueueSender _sender;
        private JournalPump? _pump;

        public HandOff(IQueueProvider queues, Func<AuditJournal?> journal)
        {
            _sender = new AuditQueueSender(queues, NullLogger<AuditQueueSender>.Instance);
            Enqueuer = new AuditEnqueuer(_sender, journal, NullLogger<AuditEnqueuer>.Instance);
        }

        public AuditEnqueuer Enqueuer { get; }

        public JournalPump Pump() => _pump ??= new JournalPump(Enqueuer, _sender, NullLogger<JournalPump>.Instance);

        public Task StartPumpAsync() => Pump().StartAsync(CancellationToken.None);

        public void Dispose()
        {
            _pump?.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            _pump?.Dispose();
            Enqueuer.Dispose();
        }
    }
}
