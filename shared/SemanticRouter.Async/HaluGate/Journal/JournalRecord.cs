namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>Where one journaled audit message lies: its segment and the byte range of its line (newline excluded).</summary>
internal readonly record struct JournalRecord(JournalSegment Segment, long Offset, int Length);
