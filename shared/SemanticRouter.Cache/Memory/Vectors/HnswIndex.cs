using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Hierarchical navigable small world graph (Malkov &amp; Yashunin 2018) over inner product:
/// greedy descent through sparse upper layers, best-first search with <see cref="EfSearch"/>
/// candidates on the dense bottom layer, neighbours chosen by the paper's diversity heuristic.
/// Removal leaves a tombstone (still traversed, never returned); the owner rebuilds the graph when
/// tombstones outnumber live nodes. Inserts must be serialised by the caller; searches are
/// read-only and may run concurrently (each rents its own visited set).
/// </summary>
internal sealed class HnswIndex : IVectorIndex
{
    private readonly int _dimension;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly double _levelFactor;
    private readonly Random _random;
    private readonly Dictionary<long, int> _nodeById = [];
    private readonly ConcurrentBag<VisitedSet> _visitedPool = [];
    private float[] _vectors;
    private long[] _ids;
    private bool[] _deleted;
    private int[][] _bottom;
    private int[][][] _upper;
    private int _nodes;
    private int _entry = -1;
    private int _maxLevel = -1;

    public HnswIndex(int dimension, HnswParameters parameters, int initialCapacity = 1024)
    {
        _dimension = dimension;
        _m = parameters.M;
        _m0 = parameters.M * 2;
        _efConstruction = Math.Max(parameters.EfConstruction, _m0);
        EfSearch = parameters.EfSearch;
        _levelFactor = 1.0 / Math.Log(_m);
        _random = new Random(parameters.Seed);
        initialCapacity = Math.Max(16, initialCapacity);
        _vectors = new float[initialCapacity * dimension];
        _ids = new long[initialCapacity];
        _deleted = new bool[initialCapacity];
        _bottom = new int[initialCapacity][];
        _upper = new int[initialCapacity][][];
    }

    /// <summary>Candidates kept during a search; higher finds the true nearest more often at more cost.</summary>
    public int EfSearch { get; set; }

    public int Count => _nodeById.Count;

    /// <summary>Nodes in the graph including tombstones.</summary>
    public int NodeCount => _nodes;

    public int Tombstones => _nodes - _nodeById.Count;

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimension)
        {
            throw new ArgumentException($"expected {_dimension} dimensions, got {vector.Length}", nameof(vector));
        }

        Remove(id);
        EnsureCapacity(_nodes + 1);
        var node = _nodes++;
        vector.CopyTo(_vectors.AsSpan(node * _dimension, _dimension));
        _ids[node] = id;
        _nodeById[id] = node;
        var level = Math.Min(16, (int)(-Math.Log(1.0 - _random.NextDouble()) * _levelFactor));
        _bottom[node] = new int[_m0 + 1];
        _upper[node] = level == 0 ? [] : new int[level][];
        for (var l = 1; l <= level; l++)
        {
            _upper[node][l - 1] = new int[_m + 1];
        }

        if (_entry < 0)
        {
            _entry = node;
            _maxLevel = level;
            return;
        }

        var query = Vec(node);
        var visited = RentVisited();
        try
        {
            var ep = _entry;
            for (var l = _maxLevel; l > level; l--)
            {
                ep = Greedy(query, ep, l);
            }

            var entryPoints = new List<int> { ep };
            for (var l = Math.Min(level, _maxLevel); l >= 0; l--)
            {
                var found = SearchLayer(query, entryPoints, _efConstruction, l, visited);
                var max = l == 0 ? _m0 : _m;
                var chosen = SelectNeighbours(found, _m);
                SetLinks(node, l, chosen);
                foreach (var (n, s) in chosen)
                {
                    Connect(n, node, s, l, max);
                }

                entryPoints.Clear();
                foreach (var (n, _) in found)
                {
                    entryPoints.Add(n);
                }
            }
        }
        finally
        {
            _visitedPool.Add(visited);
        }

        if (level > _maxLevel)
        {
            _maxLevel = level;
            _entry = node;
        }
    }

    public bool Remove(long id)
    {
        if (!_nodeById.Remove(id, out var node))
        {
            return false;
        }

        _deleted[node] = true;
        return true;
    }

    public Neighbour Nearest(ReadOnlySpan<float> query)
    {
        if (_entry < 0 || _nodeById.Count == 0)
        {
            return Neighbour.None;
        }

        var visited = RentVisited();
        try
        {
            var ep = _entry;
            for (var l = _maxLevel; l > 0; l--)
            {
                ep = Greedy(query, ep, l);
            }

            var found = SearchLayer(query, [ep], Math.Max(EfSearch, 1), 0, visited);
            var best = Neighbour.None;
            foreach (var (n, s) in found)
            {
                if (!_deleted[n] && s > best.Similarity)
                {
                    best = new Neighbour(_ids[n], s);
                }
            }

            return best;
        }
        finally
        {
            _visitedPool.Add(visited);
        }
    }

    private ReadOnlySpan<float> Vec(int node) => _vectors.AsSpan(node * _dimension, _dimension);

    private float Sim(ReadOnlySpan<float> q, int node) => TensorPrimitives.Dot(q, Vec(node));

    private int[] Links(int node, int level) => level == 0 ? _bottom[node] : _upper[node][level - 1];

    private int Greedy(ReadOnlySpan<float> query, int ep, int level)
    {
        var best = Sim(query, ep);
        var changed = true;
        while (changed)
        {
            changed = false;
            var links = Links(ep, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var s = Sim(query, links[i]);
                if (s > best)
                {
                    best = s;
                    ep = links[i];
                    changed = true;
                }
            }
        }

        return ep;
    }

    /// <summary>Best-first search on one layer; returns up to <paramref name="ef"/> nodes, most similar first.</summary>
    private List<(int Node, float Sim)> SearchLayer(ReadOnlySpan<float> query, List<int> entryPoints, int ef, int level, VisitedSet visited)
    {
        visited.Reset(_nodes);
        var candidates = new PriorityQueue<int, float>(); // max-similarity first (negated)
        var results = new PriorityQueue<int, float>(); // min-similarity first, bounded by ef
        foreach (var ep in entryPoints)
        {
            if (visited.Visit(ep))
            {
                var s = Sim(query, ep);
                candidates.Enqueue(ep, -s);
                results.Enqueue(ep, s);
                if (results.Count > ef)
                {
                    results.Dequeue();
                }
            }
        }

        while (candidates.TryDequeue(out var c, out var negSim))
        {
            results.TryPeek(out _, out var worst);
            if (-negSim < worst && results.Count >= ef)
            {
                break;
            }

            var links = Links(c, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var n = links[i];
                if (!visited.Visit(n))
                {
                    continue;
                }

                var s = Sim(query, n);
                if (results.Count < ef || s > worst)
                {
                    candidates.Enqueue(n, -s);
                    results.Enqueue(n, s);
                    if (results.Count > ef)
                    {
                        results.Dequeue();
                    }

                    results.TryPeek(out _, out worst);
                }
            }
        }

        var list = new List<(int, float)>(results.Count);
        while (results.TryDequeue(out var n, out var s))
        {
            list.Add((n, s));
        }

        list.Reverse();
        return list;
    }

    /// <summary>The paper's heuristic: keep a candidate only if it is closer to the base than to every neighbour already kept.</summary>
    private List<(int Node, float Sim)> SelectNeighbours(List<(int Node, float Sim)> sortedBySimilarity, int max)
    {
        var chosen = new List<(int, float)>(max);
        foreach (var (candidate, sim) in sortedBySimilarity)
        {
            if (chosen.Count >= max)
            {
                break;
            }

            var keep = true;
            var cv = Vec(candidate);
            foreach (var (kept, _) in chosen)
            {
                if (TensorPrimitives.Dot(cv, Vec(kept)) > sim)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                chosen.Add((candidate, sim));
            }
        }

        return chosen;
    }

    private void SetLinks(int node, int level, List<(int Node, float Sim)> neighbours)
    {
        var links = Links(node, level);
        links[0] = neighbours.Count;
        for (var i = 0; i < neighbours.Count; i++)
        {
            links[i + 1] = neighbours[i].Node;
        }
    }

    private void Connect(int from, int to, float sim, int level, int max)
    {
        var links = Links(from, level);
        var count = links[0];
        if (count < max)
        {
            links[count + 1] = to;
            links[0] = count + 1;
            return;
        }

        // Full: the newcomer replaces the least similar neighbour if it is closer. Re-running the
        // diversity heuristic here (as hnswlib does) costs O(M²) dot products per backlink and
        // dominated build time; keeping the closest costs O(M), and recall on embedding-like data
        // stays ≥ 0.99 (docs/performance.md).
        var baseVec = Vec(from);
        var worst = 1;
        var worstSim = float.PositiveInfinity;
        for (var i = 1; i <= count; i++)
        {
            var s = TensorPrimitives.Dot(baseVec, Vec(links[i]));
            if (s < worstSim)
            {
                worstSim = s;
                worst = i;
            }
        }

        if (sim > worstSim)
        {
            links[worst] = to;
        }
    }

    private void EnsureCapacity(int nodes)
    {
        if (nodes <= _ids.Length)
        {
            return;
        }

        var capacity = Math.Max(nodes, _ids.Length * 2);
        Array.Resize(ref _vectors, capacity * _dimension);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _deleted, capacity);
        Array.Resize(ref _bottom, capacity);
        Array.Resize(ref _upper, capacity);
    }

    private VisitedSet RentVisited() => _visitedPool.TryTake(out var v) ? v : new VisitedSet();

    /// <summary>Generation-stamped marks: resetting is O(1) except when the stamp wraps.</summary>
    private sealed class VisitedSet
    {
        private int[] _marks = [];
        private int _generation;

        public void Reset(int nodes)
        {
            if (_marks.Length < nodes)
            {
                _marks = new int[Math.Max(nodes, _marks.Length * 2)];
                _generation = 0;
            }

            if (++_generation == int.MaxValue)
            {
                Array.Clear(_marks);
                _generation = 1;
            }
        }

        /// <summary>Marks the node; false when it was already visited in this search.</summary>
        public bool Visit(int node)
        {
            if (_marks[node] == _generation)
            {
                return false;
            }

            _marks[node] = _generation;
            return true;
        }
    }
}

/// <summary>HNSW build and search parameters (the anchor uses M 16, efConstruction 200).</summary>
internal sealed record HnswParameters(int M = 16, int EfConstruction = 200, int EfSearch = 64, int Seed = 42);
