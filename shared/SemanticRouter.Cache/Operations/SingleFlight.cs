using System.Collections.Concurrent;

namespace SemanticRouter.Cache.Operations;

/// <summary>
/// Collapses concurrent identical misses: the first request for a key leads (goes upstream and
/// writes the answer); the others wait for it to finish, then look the cache up again. A leader
/// that ends without writing (error, aborted stream, uncacheable answer) still releases its waiters,
/// and one of them takes over.
/// </summary>
internal sealed class SingleFlight
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _flights = new(StringComparer.Ordinal);

    /// <summary>True when the caller now leads <paramref name="key"/>; otherwise <paramref name="leader"/> completes when the current leader is done.</summary>
    public bool TryLead(string key, out Task leader)
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = _flights.GetOrAdd(key, mine);
        leader = current.Task;
        return ReferenceEquals(current, mine);
    }

    public void Release(string key)
    {
        if (_flights.TryRemove(key, out var flight))
        {
            flight.TrySetResult();
        }
    }

    public int InFlight => _flights.Count;
}
