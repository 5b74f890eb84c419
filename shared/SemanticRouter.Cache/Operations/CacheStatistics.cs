using System.Collections.Concurrent;

namespace SemanticRouter.Cache.Operations;

/// <summary>Per-decision lookup counters of this instance (the ops API sums them per decision).</summary>
public sealed class CacheStatistics
{
    private readonly ConcurrentDictionary<string, DecisionCacheCounters> _byDecision = new(StringComparer.Ordinal);

    public DecisionCacheCounters For(string decision) => _byDecision.GetOrAdd(decision, static _ => new DecisionCacheCounters());

    public IReadOnlyList<(string Decision, DecisionCacheCounters Counters)> Snapshot() =>
        _byDecision.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).ToList();

    public void Reset() => _byDecision.Clear();
}

/// <summary>Counters for one decision's cache plugin; updated with interlocked operations.</summary>
public sealed class DecisionCacheCounters
{
    private long _lookups;
    private long _exactHits;
    private long _semanticHits;
    private long _writes;
    private long _singleFlightWaits;
    private long _bypassed;
    private long _failures;

    public long Lookups => Interlocked.Read(ref _lookups);

    public long ExactHits => Interlocked.Read(ref _exactHits);

    public long SemanticHits => Interlocked.Read(ref _semanticHits);

    public long Hits => ExactHits + SemanticHits;

    public long Misses => Lookups - Hits;

    public long Writes => Interlocked.Read(ref _writes);

    public long SingleFlightWaits => Interlocked.Read(ref _singleFlightWaits);

    /// <summary>Requests that skipped the lookup (<c>x-vsr-cache-control: no-cache</c>).</summary>
    public long Bypassed => Interlocked.Read(ref _bypassed);

    /// <summary>Store errors that were served as misses or dropped writes (fail open).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public double HitRate => Lookups == 0 ? 0 : (double)Hits / Lookups;

    internal void Lookup() => Interlocked.Increment(ref _lookups);

    internal void ExactHit() => Interlocked.Increment(ref _exactHits);

    internal void SemanticHit() => Interlocked.Increment(ref _semanticHits);

    internal void Write() => Interlocked.Increment(ref _writes);

    internal void SingleFlightWait() => Interlocked.Increment(ref _singleFlightWaits);

    internal void Bypass() => Interlocked.Increment(ref _bypassed);

    internal void Failure() => Interlocked.Increment(ref _failures);
}
