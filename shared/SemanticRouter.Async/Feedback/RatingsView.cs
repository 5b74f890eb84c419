using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// The ratings routing reads on the request path: an in-memory snapshot that never blocks.
/// It is replaced when this process writes ratings, and refreshed from the store in the
/// background when older than the refresh interval (other instances' updates arrive that way).
/// </summary>
public sealed partial class RatingsView
{
    private readonly IRatingsDocumentStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<RatingsView> _logger;
    private readonly Lock _publishGate = new();
    private volatile Snapshot _current;
    private int _refreshing;

    internal RatingsView(IRatingsDocumentStore store, TimeSpan refreshInterval, ILogger<RatingsView> logger, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        RefreshInterval = refreshInterval;
        _current = new Snapshot(new Dictionary<string, PairRating>(StringComparer.Ordinal), DateTimeOffset.MinValue, -1);
    }

    public TimeSpan RefreshInterval { get; }

    /// <summary>The rating of a (decision, model) pair, or null when it has none; triggers a background refresh when stale.</summary>
    public PairRating? Find(string decision, string model)
    {
        var snapshot = _current;
        if (_time.GetUtcNow() - snapshot.LoadedAt > RefreshInterval)
        {
            _ = RefreshAsync(CancellationToken.None);
        }

        return snapshot.Pairs.GetValueOrDefault(RatingsDocument.Key(decision, model));
    }

    /// <summary>Reloads from the store now (single flight: concurrent callers share one read).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            var (document, _) = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
            Publish(document);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Routing keeps the last known ratings; retried on the next stale read.
            LogRefreshFailed(e.GetType().Name);
            _current = _current with { LoadedAt = _time.GetUtcNow() };
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>The whole document, read from the store now (for <c>GET /api/v1/ratings</c>).</summary>
    public async Task<RatingsDocument> LoadAsync(CancellationToken cancellationToken)
    {
        var (document, _) = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        Publish(document);
        return document;
    }

    internal void Publish(RatingsDocument document)
    {
        var next = new Snapshot(new Dictionary<string, PairRating>(document.Pairs, StringComparer.Ordinal), _time.GetUtcNow(), document.TotalApplied);
        lock (_publishGate)
        {
            // A slow read must not replace a newer document this process has just written.
            if (next.Total >= _current.Total)
            {
                _current = next;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing ratings failed ({ExceptionType}); keeping the last snapshot")]
    private partial void LogRefreshFailed(string exceptionType);

    private sealed record Snapshot(Dictionary<string, PairRating> Pairs, DateTimeOffset LoadedAt, long Total);
}
