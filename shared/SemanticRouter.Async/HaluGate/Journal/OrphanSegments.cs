using System.Text;

namespace SemanticRouter.Async.HaluGate.Journal;

/// <summary>
/// Finds journal segments whose writer is gone (a crashed or stopped process): a live writer holds each of its
/// segments open with <see cref="FileShare.None"/>, so an exclusive open that succeeds proves the writer has exited.
/// The claimed file stays locked by the returned stream while its records are replayed, so two processes starting at
/// once never replay the same segment.
/// </summary>
internal static class OrphanSegments
{
    /// <summary>A half-made segment (created, not yet renamed) older than this is left by a crash and removed.</summary>
    public static readonly TimeSpan StaleOpening = TimeSpan.FromMinutes(10);

    /// <summary>Claims each orphaned segment in <paramref name="directory"/>, oldest first; the caller disposes each stream.</summary>
    public static IEnumerable<(string Path, FileStream Stream)> Claim(string directory)
    {
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        foreach (var opening in Directory.EnumerateFiles(directory, "*" + AuditJournal.OpeningExtension))
        {
            if (File.GetLastWriteTimeUtc(opening) < DateTime.UtcNow - StaleOpening && TryOpenExclusive(opening) is { } stale)
            {
                File.Delete(opening);
                stale.Dispose();
            }
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*" + AuditJournal.SegmentExtension).Order(StringComparer.Ordinal))
        {
            if (TryOpenExclusive(path) is { } stream)
            {
                yield return (path, stream);
            }
        }
    }

    /// <summary>
    /// The complete lines of a claimed segment. A last line without its newline was cut by the crash mid-write; its
    /// append never returned, so no answer waited on it, and it is skipped.
    /// </summary>
    public static List<string> CompleteLines(FileStream stream)
    {
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                if (i > start)
                {
                    lines.Add(Encoding.UTF8.GetString(bytes, start, i - start));
                }

                start = i + 1;
            }
        }

        return lines;
    }

    private static FileStream? TryOpenExclusive(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Locked by its live writer (or another replaying process), or already gone.
            return null;
        }
    }
}
