using SemanticRouter.Core.Config;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// <c>global.halugate.hand_off</c>: how an answered request's audit message reaches <c>halugate-audits</c>.
/// <c>journal</c> appends it to a local write-ahead journal (the answer completes after the append; a background pump
/// sends it to the queue, and a restarted process replays what a crashed one left); <c>queue</c> sends it to the queue
/// on the response path (the answer waits for the queue). The default is <c>journal</c> when a storage account is
/// configured, else <c>queue</c> (in-process queues, nothing to make durable). Applies at start-up.
/// </summary>
public sealed record AuditHandOffSettings(string Mode, string JournalDirectory, long MaxJournalBytes, long SegmentBytes)
{
    public const string SectionPath = "halugate.hand_off";
    public const string Journal = "journal";
    public const string Queue = "queue";

    /// <summary>
    /// The machine's temp folder, not <c>$HOME</c>: under Azure Functions <c>$HOME</c> is a network share that every
    /// instance mounts, while the temp folder is the instance's own disk.
    /// </summary>
    public static string DefaultJournalDirectory { get; } = Path.Combine(Path.GetTempPath(), "semantic-router", "audit-journal");

    public static AuditHandOffSettings Default { get; } = new(Queue, DefaultJournalDirectory, 64L * 1024 * 1024, 1024 * 1024);

    public bool UsesJournal => Mode == Journal;

    public static AuditHandOffSettings From(RouterConfig config) =>
        config.Global.Extensions.TryGetValue(SectionPath, out var s) && s is AuditHandOffSettings settings ? settings : Default;

    /// <summary>Binds the section; <paramref name="environment"/> tells whether a storage account is configured.</summary>
    public sealed class Binder(Func<string, string?> environment) : IGlobalSectionBinder
    {
        public string Path => SectionPath;

        public object? Bind(ConfigNode section)
        {
            var d = Default;
            var hasAccount = StorageSettings.IsConfigured(environment);
            if (!section.Exists)
            {
                return d with { Mode = hasAccount ? Journal : Queue };
            }

            section.CheckKeys("mode", "journal_dir", "max_journal_bytes", "segment_bytes");
            var mode = section.Enum("mode", Journal, Queue) ?? (hasAccount ? Journal : Queue);
            if (mode == Journal && !hasAccount)
            {
                section["mode"].Error($"is journal but no storage account is configured (set {StorageSettings.DefaultConnectionName} or its identity-based settings); without one the queues are in-process and there is nothing to journal for");
            }

            var directory = d.JournalDirectory;
            if (section.String("journal_dir") is { } dir)
            {
                try
                {
                    directory = System.IO.Path.GetFullPath(dir);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    section["journal_dir"].Error("must be a local folder path");
                }
            }

            var maxBytes = (long?)section.Double("max_journal_bytes", 64 * 1024, 64d * 1024 * 1024 * 1024) ?? d.MaxJournalBytes;
            var segmentBytes = (long?)section.Double("segment_bytes", 4 * 1024, 1024d * 1024 * 1024) ?? Math.Min(d.SegmentBytes, maxBytes / 4);
            if (segmentBytes > maxBytes)
            {
                section["segment_bytes"].Error($"must not exceed max_journal_bytes ({maxBytes})");
            }

            return new AuditHandOffSettings(mode, directory, maxBytes, segmentBytes);
        }
    }
}
