namespace SemanticRouter.Cache.Memory.Eviction;

/// <summary>First in, first out: the oldest write leaves first, however often it was hit.</summary>
internal sealed class FifoEviction : IEvictionPolicy
{
    private readonly LinkedList<long> _order = new();
    private readonly Dictionary<long, LinkedListNode<long>> _nodes = [];

    public void Added(long id) => _nodes[id] = _order.AddLast(id);

    public void Accessed(long id)
    {
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
