using Microsoft.Win32.SafeHandles;

namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>
/// One segment file of this process's journal, held open with <see cref="FileShare.None"/> (an exclusive
/// <c>flock</c> on Linux) from creation until it is deleted, so no other process replays it while this one lives.
/// Its mutable counters are guarded by the owning <see cref="AuditJournal"/>'s lock.
/// </summary>
internal sealed class JournalSegment(string path, SafeFileHandle handle)
{
    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Bytes written so far (the next record's offset).</summary>
    public long Length { get; set; }

    /// <summary>Records written but not yet accepted by the queue.</summary>
    public int Pending { get; set; }

    /// <summary>No more appends: rotated out, or a write to it failed.</summary>
    public bool Sealed { get; set; }
}
