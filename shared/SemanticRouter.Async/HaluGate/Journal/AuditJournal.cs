using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>
/// This process's local write-ahead journal of audit messages: each message is one JSON line appended to the active
/// segment file with one <c>pwrite</c> (no fsync: data in the kernel survives kill -9 of the process, not the loss of
/// the machine). Segments rotate at <c>segment_bytes</c>; a rotated segment is deleted once the pump has every record
/// of it on the queue. The total of undeleted segments is bounded by <c>max_journal_bytes</c>; beyond it, and after an
/// I/O error, <see cref="TryAppend"/> refuses and the caller sends to the queue itself. Segment files stay open
/// exclusively (<see cref="FileShare.None"/>) until deleted, which is how other processes on the machine tell a live
/// writer's segments from a crashed one's (<see cref="OrphanSegments"/>).
/// </summary>
internal sealed partial class AuditJournal : IDisposable
{
    public const string SegmentExtension = ".jsonl";

    /// <summary>A segment being created: renamed to <see cref="SegmentExtension"/> once locked, so no scan can claim it half-made.</summary>
    public const string OpeningExtension = ".opening";

    /// <summary>After an I/O error the journal is skipped (sends go to the queue directly) for this long before it is tried again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly object _lock = new();
    private readonly List<JournalSegment> _segments = [];
    private readonly Channel<JournalRecord> _records = Channel.CreateUnbounded<JournalRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly string _writerId = $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
    private readonly ILogger _logger;
    private JournalSegment? _active;
    private long _bytes;
    private long _backlog;
    private long _sequence;
    private long _skipUntil;
    private bool _full;
    private bool _disposed;

    public AuditJournal(string directory, long maxBytes, long segmentBytes, ILogger logger)
    {
        Directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _logger = logger;
    }

    /// <summary>The folder holding the segments (this process's and, after a crash, a previous one's).</summary>
    public string Directory { get; }

    /// <summary>Records in the order they were journaled, for the pump.</summary>
    public ChannelReader<JournalRecord> Records => _records.Reader;

    /// <summary>Records journaled and not yet accepted by the queue.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>
    /// The subfolder for one queue service: a restarted process replays a crashed one's audits only to the storage
    /// account they were meant for.
    /// </summary>
    public static string ScopeFolder(Uri queueEndpoint)
    {
        var key = queueEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/').ToLowerInvariant();
        return "queue-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    /// <summary>Appends one record; <paramref name="line"/> is the message's UTF-8 JSON followed by <c>\n</c>.</summary>
    public JournalAppend TryAppend(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            if (_disposed || Environment.TickCount64 < Volatile.Read(ref _skipUntil))
            {
                return JournalAppend.Failed;
            }

            if (_bytes + line.Length > _maxBytes)
            {
                if (!_full)
                {
                    _full = true;
                    LogFull(_maxBytes, _backlog);
                }

                return JournalAppend.Full;
            }

            try
            {
                if (_active is null || (_active.Length > 0 && _active.Length + line.Length > _segmentBytes))
                {
                    Rotate();
                }

                RandomAccess.Write(_active!.Handle, line, _active.Length);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // A partial line may now end the active segment: seal it, so no record follows the torn one.
                if (_active is { } broken)
                {
                    _active = null;
                    Seal(broken);
                }

                _skipUntil = Environment.TickCount64 + (long)RetryAfterFailure.TotalMilliseconds;
                LogFailed(e.GetType().Name, (int)RetryAfterFailure.TotalSeconds);
                return JournalAppend.Failed;
            }

            var record = new JournalRecord(_active, _active.Length, line.Length - 1);
            _active.Length += line.Length;
            _active.Pending++;
            _bytes += line.Length;
            _backlog++;
            _full = false;
            _records.Writer.TryWrite(record);
            return JournalAppend.Appended;
        }
    }

    /// <summary>Reads a record's message text back from its segment (the file stays open until every record of it is sent).</summary>
    public string Read(JournalRecord record)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(record.Length);
        try
        {
            var span = buffer.AsSpan(0, record.Length);
            for (var done = 0; done < span.Length;)
            {
                var n = RandomAccess.Read(record.Segment.Handle, span[done..], record.Offset + done);
                done += n > 0 ? n : throw new EndOfStreamException($"journal segment {Path.GetFileName(record.Segment.Path)} ends inside a record");
            }

            return Encoding.UTF8.GetString(span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The queue accepted the record; a rotated segment whose records are all sent is deleted.</summary>
    public void Acknowledge(JournalRecord record)
    {
        lock (_lock)
        {
            record.Segment.Pending--;
            _backlog--;
            if (record.Segment.Sealed && record.Segment.Pending == 0)
            {
                Delete(record.Segment);
            }
        }
    }

    /// <summary>Closes every segment; fully sent ones are deleted, the rest stay for the next start to replay.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _records.Writer.TryComplete();
            foreach (var segment in _segments.ToArray())
            {
                if (segment.Pending == 0)
                {
                    Delete(segment);
                }
                else
                {
                    segment.Handle.Dispose();
                }
            }

            if (_backlog > 0)
            {
                LogLeftForReplay(_backlog, Directory);
            }
        }
    }

    private void Rotate()
    {
        if (_active is { } previous)
        {
            _active = null;
            Seal(previous);
        }

        // Only this user may read the audits or plant records for a replay (the default folder is under the shared temp folder).
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{_writerId}-{++_sequence:D6}";
        var opening = Path.Combine(Directory, name + OpeningExtension);
        var path = Path.Combine(Directory, name + SegmentExtension);
        var handle = File.OpenHandle(opening, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            File.Move(opening, path);
        }
        catch
        {
            handle.Dispose();
            File.Delete(opening);
            throw;
        }

        _active = new JournalSegment(path, handle);
        _segments.Add(_active);
    }

    private void Seal(JournalSegment segment)
    {
        segment.Sealed = true;
        if (segment.Pending == 0)
        {
            Delete(segment);
        }
    }

    private void Delete(JournalSegment segment)
    {
        try
        {
            File.Delete(segment.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is replayed by the next start: duplicates the audit handler ignores.
            LogDeleteFailed(Path.GetFileName(segment.Path), e.GetType().Name);
        }

        segment.Handle.Dispose();
        _segments.Remove(segment);
        _bytes -= segment.Length;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit journal holds {MaxBytes} bytes ({Backlog} record(s) not yet on the queue); audits go to the queue directly until it drains")]
    private partial void LogFull(long maxBytes, long backlog);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the audit journal failed ({ExceptionType}); audits go to the queue directly for {Seconds} s")]
    private partial void LogFailed(string exceptionType, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the sent audit journal segment {Segment} ({ExceptionType})")]
    private partial void LogDeleteFailed(string segment, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Backlog} audit message(s) not yet on the queue stay in the journal at {Directory}; the next start replays them")]
    private partial void LogLeftForReplay(long backlog, string directory);
}
