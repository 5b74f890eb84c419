namespace SemanticRouter.Cache.Memory.Eviction;

/// <summary>Least frequently used: fewest hits leaves first; among equals, the one touched longest ago.</summary>
internal sealed class LfuEviction : IEvictionPolicy
{
    private readonly SortedSet<(long Hits, long Stamp, long Id)> _order = [];
    private readonly Dictionary<long, (long Hits, long Stamp)> _state = [];
    private long _clock;

    public void Added(long id)
    {
        var state = (0L, ++_clock);
        _state[id] = state;
        _order.Add((state.Item1, state.Item2, id));
    }

    public void Accessed(long id)
    {
        if (_state.TryGetValue(id, out var s))
        {
            _order.Remove((s.Hits, s.Stamp, id));
            var next = (s.Hits + 1, ++_clock);
            _state[id] = next;
            _order.Add((next.Item1, next.Item2, id));
        }
    }

    public void Removed(long id)
    {
        if (_state.Remove(id, out var s))
        {
            _order.Remove((s.Hits, s.Stamp, id));
        }
    }

    public long? Victim() => _order.Count == 0 ? null : _order.Min.Id;
}
