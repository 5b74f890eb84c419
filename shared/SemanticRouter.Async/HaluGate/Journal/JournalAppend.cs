namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>What <see cref="AuditJournal.TryAppend"/> did with a record.</summary>
internal enum JournalAppend
{
    /// <summary>Written to the segment file (handed to the kernel); the pump sends it to the queue.</summary>
    Appended,

    /// <summary>Not written: the journal holds <c>max_journal_bytes</c> already (the queue is behind or down).</summary>
    Full,

    /// <summary>Not written: the journal folder or a segment file could not be created or written (disk full, permissions).</summary>
    Failed,
}
