namespace SemanticRouter.Cache.Memory.Eviction;

/// <summary>Least recently used: every hit moves the entry to the back of the line.</summary>
internal sealed class LruEviction : IEvictionPolicy
{
    private readonly LinkedList<long> _order = new();
    private readonly Dictionary<long, LinkedListNode<long>> _nodes = [];

    public void Added(long id) => _nodes[id] = _order.AddLast(id);

    public void Accessed(long id)
    {
        if (_nodes.TryGetValue(id, out var node))
        {
            _order.Remove(node);
            _order.AddLast(node);
        }
    }

    public void Removed(long id)
    {
        if (_nodes.Remove(id, out var node))
        {
            _order.Remove(node);
        }
    }

    public long? Victim() => _order.First?.Value;
}
