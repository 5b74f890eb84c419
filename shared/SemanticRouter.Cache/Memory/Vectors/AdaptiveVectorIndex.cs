namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Exact brute force while the partition is small, HNSW once it holds <see cref="AnnMinEntries"/>
/// vectors (the point where a SIMD scan approaches a millisecond — see docs/performance.md). The
/// brute-force slab stays the source of truth: the graph is built from it once when the threshold
/// is crossed (a one-time pause proportional to the size), then updated incrementally, and rebuilt
/// from it when tombstones outnumber live nodes, which keeps removal amortised O(insert).
/// </summary>
internal sealed class AdaptiveVectorIndex(int dimension, int annMinEntries, HnswParameters hnsw) : IVectorIndex
{
    private readonly BruteForceIndex _exact = new(dimension);
    private HnswIndex? _graph;

    public int AnnMinEntries { get; } = annMinEntries;

    public int Count => _exact.Count;

    /// <summary>True while searches go through the graph.</summary>
    public bool UsesGraph => _graph is not null && _exact.Count >= AnnMinEntries;

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        _exact.Add(id, vector);
        if (_graph is not null)
        {
            _graph.Add(id, vector);
        }
        else if (_exact.Count >= AnnMinEntries)
        {
            Rebuild();
        }
    }

    public bool Remove(long id)
    {
        if (!_exact.Remove(id))
        {
            return false;
        }

        if (_graph is not null)
        {
            _graph.Remove(id);
            if (_graph.Tombstones > _graph.Count && _graph.Tombstones > 1024)
            {
                if (_exact.Count >= AnnMinEntries / 2)
                {
                    Rebuild();
                }
                else
                {
                    _graph = null;
                }
            }
        }

        return true;
    }

    public Neighbour Nearest(ReadOnlySpan<float> query) => UsesGraph ? _graph!.Nearest(query) : _exact.Nearest(query);

    private void Rebuild()
    {
        // The caller holds the store's writer lock for this one-time pause; every core shortens it.
        var graph = new HnswIndex(dimension, hnsw, _exact.Count * 2);
        graph.AddRange(_exact.Entries().ToList(), Environment.ProcessorCount);
        _graph = graph;
    }
}
