using System.Globalization;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Standalone poller settings, mirroring host.json <c>extensions.queues</c> so a message behaves
/// the same under the Functions host and under <c>serve</c>.
/// </summary>
public sealed record QueuePollerOptions
{
    /// <summary>How long a received message stays hidden; the poller renews it while the handler runs.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before a failed message is visible again (host.json <c>visibilityTimeout</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a message is moved to <c>&lt;queue&gt;-poison</c>.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    public TimeSpan MinPollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest batch a poller hands to a handler (filled with several receive calls of at most 32).</summary>
    public const int MaxBatchSize = 256;

    /// <summary>Messages per handler call (capped by the handler's own batch size); above 32 several receives fill it.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Concurrent receive loops per queue in this process.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Reads <c>QUEUE_*</c> app settings (see docs/configuration.md); unset ones keep their defaults.</summary>
    public static QueuePollerOptions FromSettings(Func<string, string?> setting)
    {
        var d = new QueuePollerOptions();
        return new QueuePollerOptions
        {
            VisibilityTimeout = Seconds(setting("QUEUE_VISIBILITY_TIMEOUT_SECONDS"), 1, 3600) ?? d.VisibilityTimeout,
            RetryDelay = Seconds(setting("QUEUE_RETRY_DELAY_SECONDS"), 0, 3600) ?? d.RetryDelay,
            MaxDequeueCount = Int(setting("QUEUE_MAX_DEQUEUE_COUNT"), 1, 100) ?? d.MaxDequeueCount,
            MaxPollingInterval = Seconds(setting("QUEUE_MAX_POLLING_INTERVAL_SECONDS"), 0.1, 60) ?? d.MaxPollingInterval,
            BatchSize = Int(setting("QUEUE_BATCH_SIZE"), 1, MaxBatchSize) ?? d.BatchSize,
            Workers = Int(setting("QUEUE_WORKERS"), 1, 64) ?? d.Workers,
        };
    }

    private static TimeSpan? Seconds(string? value, double min, double max) =>
        value is not null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? s >= min && s <= max ? TimeSpan.FromSeconds(s) : throw new InvalidOperationException($"Queue setting value {value} is out of range {min}..{max} seconds.")
            : null;

    private static int? Int(string? value, int min, int max) =>
        value is not null && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n >= min && n <= max ? n : throw new InvalidOperationException($"Queue setting value {value} is out of range {min}..{max}.")
            : null;
}
