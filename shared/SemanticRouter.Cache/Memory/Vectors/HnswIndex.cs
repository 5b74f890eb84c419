using System.Collections.Concurrent;

namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Hierarchical navigable small world graph (Malkov &amp; Yashunin 2018) over inner product:
/// greedy descent through sparse upper layers, best-first search with <see cref="EfSearch"/>
/// candidates on the dense bottom layer, neighbours chosen by the paper's diversity heuristic.
/// Removal leaves a tombstone (still traversed, never returned); the owner rebuilds the graph when
/// tombstones outnumber live nodes.
/// <para>
/// Concurrency. <see cref="Add"/>, <see cref="AddRange"/> and <see cref="Remove"/> are serialised by
/// the caller and never overlap <see cref="Nearest"/>, which is read-only and may run on many threads
/// (each search rents its own scratch). Inside <see cref="AddRange"/> several threads insert at once,
/// as hnswlib does: node slots, vectors and levels are assigned up front on one thread, then workers
/// link nodes in roughly insertion order. Every neighbour-list write happens under the striped lock of
/// the list's node, and a writer holds at most one stripe at a time (no lock order, no deadlock).
/// Lists have a fixed capacity and are never reallocated: an append writes the slot, then publishes
/// the count with a release write; a replacement is one release write of a slot — so a search reading
/// the count (acquire) and then the slots without a lock always sees valid, fully initialised nodes.
/// The entry point changes only under <c>_topGate</c>, which an insert whose level exceeds the
/// current top holds for its whole insertion (rare: about log(n) times per build).
/// </para>
/// </summary>
internal sealed class HnswIndex : IVectorIndex
{
    private const int LockStripes = 4096;

    private readonly int _dimension;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly double _levelFactor;
    private readonly Random _random;
    private readonly Dictionary<long, int> _nodeById = [];
    private readonly ConcurrentBag<SearchScratch> _scratchPool = [];
    private readonly Lock[] _stripes = Enumerable.Range(0, LockStripes).Select(_ => new Lock()).ToArray();
    private readonly Lock _topGate = new();
    private float[] _vectors;
    private long[] _ids;
    private bool[] _deleted;

    // Bottom layer, flat (the hot one): node n owns slots [n * (m0 + 1), (n + 1) * (m0 + 1)); slot 0 is
    // the count. _bottomSims holds each neighbour's similarity to n, so a full list replaces its least
    // similar neighbour without recomputing dot products.
    private int[] _bottom;
    private float[] _bottomSims;
    private int[]?[][] _upper;
    private float[]?[][] _upperSims;
    private int _nodes;
    private Top? _top;

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
        _bottom = new int[initialCapacity * (_m0 + 1)];
        _bottomSims = new float[initialCapacity * (_m0 + 1)];
        _upper = new int[]?[initialCapacity][];
        _upperSims = new float[]?[initialCapacity][];
    }

    /// <summary>Candidates kept during a search; higher finds the true nearest more often at more cost.</summary>
    public int EfSearch { get; set; }

    public int Count => _nodeById.Count;

    /// <summary>Nodes in the graph including tombstones.</summary>
    public int NodeCount => _nodes;

    public int Tombstones => _nodes - _nodeById.Count;

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        var (node, level) = Allocate(id, vector);
        var scratch = RentScratch();
        try
        {
            Link(node, level, scratch);
        }
        finally
        {
            _scratchPool.Add(scratch);
        }
    }

    /// <summary>
    /// Inserts a batch with up to <paramref name="parallelism"/> threads. Levels are drawn in batch
    /// order from the seeded generator, so with one thread the graph is identical to calling
    /// <see cref="Add"/> for each item; with more, link order varies between runs but the graph is
    /// built from the same nodes and levels (recall is checked against the sequential build in tests).
    /// </summary>
    public void AddRange(IReadOnlyList<(long Id, float[] Vector)> items, int parallelism)
    {
        EnsureCapacity(_nodes + items.Count);
        var nodes = new (int Node, int Level)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            nodes[i] = Allocate(items[i].Id, items[i].Vector);
        }

        if (parallelism <= 1 || items.Count < 2 * parallelism)
        {
            var scratch = RentScratch();
            foreach (var (node, level) in nodes)
            {
                Link(node, level, scratch);
            }

            _scratchPool.Add(scratch);
            return;
        }

        // Workers take the next node from a shared counter, so concurrent inserts stay close in
        // insertion order (as in hnswlib) and a slow thread never leaves a tail of work.
        var next = -1;
        Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, _ =>
        {
            var scratch = RentScratch();
            for (var i = Interlocked.Increment(ref next); i < nodes.Length; i = Interlocked.Increment(ref next))
            {
                Link(nodes[i].Node, nodes[i].Level, scratch);
            }

            _scratchPool.Add(scratch);
        });
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
        var top = Volatile.Read(ref _top);
        if (top is null || _nodeById.Count == 0)
        {
            return Neighbour.None;
        }

        var scratch = RentScratch();
        try
        {
            var ep = (top.Node, Sim: Sim(query, top.Node));
            for (var l = top.Level; l > 0; l--)
            {
                ep = Greedy(query, ep.Node, ep.Sim, l);
            }

            var entries = scratch.Entries;
            entries.Clear();
            entries.Add(ep);
            var found = scratch.Found;
            SearchLayer(query, entries, Math.Max(EfSearch, 1), 0, scratch, found);
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
            _scratchPool.Add(scratch);
        }
    }

    /// <summary>
    /// Structural checks for tests: every link valid, no self or duplicate links, lists within
    /// capacity, links without their reverse (none while no list has filled up), and how many nodes
    /// the bottom layer reaches from the entry point.
    /// </summary>
    internal HnswDiagnostics Diagnose()
    {
        var invalid = 0;
        var self = 0;
        var duplicates = 0;
        var oneWay = 0;
        var full = 0;
        for (var node = 0; node < _nodes; node++)
        {
            for (var level = 0; level <= LevelOf(node); level++)
            {
                var links = Links(node, level);
                var count = links[0];
                if (count < 0 || count > links.Length - 1)
                {
                    invalid++;
                    continue;
                }

                full += count == links.Length - 1 ? 1 : 0;
                var seen = new HashSet<int>();
                for (var i = 1; i <= count; i++)
                {
                    var n = links[i];
                    if (n < 0 || n >= _nodes || LevelOf(n) < level)
                    {
                        invalid++;
                    }
                    else if (n == node)
                    {
                        self++;
                    }
                    else if (!seen.Add(n))
                    {
                        duplicates++;
                    }
                    else if (!Links(n, level)[1..(Links(n, level)[0] + 1)].Contains(node))
                    {
                        oneWay++;
                    }
                }
            }
        }

        var reachable = 0;
        if (_top is { } top)
        {
            var visited = new bool[_nodes];
            var queue = new Queue<int>([top.Node]);
            visited[top.Node] = true;
            while (queue.TryDequeue(out var node))
            {
                reachable++;
                var links = Links(node, 0);
                for (var i = 1; i <= links[0]; i++)
                {
                    if (links[i] >= 0 && links[i] < _nodes && !visited[links[i]])
                    {
                        visited[links[i]] = true;
                        queue.Enqueue(links[i]);
                    }
                }
            }
        }

        return new HnswDiagnostics(_nodes, reachable, invalid, self, duplicates, oneWay, full);
    }

    private (int Node, int Level) Allocate(long id, ReadOnlySpan<float> vector)
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
        if (level > 0)
        {
            _upper[node] = new int[level][];
            _upperSims[node] = new float[level][];
            for (var l = 0; l < level; l++)
            {
                _upper[node][l] = new int[_m + 1];
                _upperSims[node][l] = new float[_m + 1];
            }
        }

        return (node, level);
    }

    private void Link(int node, int level, SearchScratch scratch)
    {
        var top = Volatile.Read(ref _top);
        if (top is null || level > top.Level)
        {
            lock (_topGate)
            {
                top = _top;
                if (top is null)
                {
                    Volatile.Write(ref _top, new Top(node, level));
                    return;
                }

                if (level > top.Level)
                {
                    LinkBelow(node, level, top, scratch);
                    Volatile.Write(ref _top, new Top(node, level));
                    return;
                }
            }
        }

        LinkBelow(node, level, top, scratch);
    }

    private void LinkBelow(int node, int level, Top top, SearchScratch scratch)
    {
        var query = Vec(node);
        var ep = (top.Node, Sim: Sim(query, top.Node));
        for (var l = top.Level; l > level; l--)
        {
            ep = Greedy(query, ep.Node, ep.Sim, l);
        }

        var entries = scratch.Entries;
        var found = scratch.Found;
        entries.Clear();
        entries.Add(ep);
        for (var l = Math.Min(level, top.Level); l >= 0; l--)
        {
            SearchLayer(query, entries, _efConstruction, l, scratch, found);
            var chosen = SelectNeighbours(node, found, _m, scratch.Chosen);
            var max = l == 0 ? _m0 : _m;
            foreach (var (n, s) in chosen)
            {
                Connect(node, n, s, l, max);
            }

            foreach (var (n, s) in chosen)
            {
                Connect(n, node, s, l, max);
            }

            (entries, found) = (found, entries);
        }
    }

    private ReadOnlySpan<float> Vec(int node) => _vectors.AsSpan(node * _dimension, _dimension);

    private float Sim(ReadOnlySpan<float> q, int node) => DotProduct.Compute(q, Vec(node));

    private int LevelOf(int node) => _upper[node]?.Length ?? 0;

    private Span<int> Links(int node, int level) =>
        level == 0 ? _bottom.AsSpan(node * (_m0 + 1), _m0 + 1) : _upper[node]![level - 1];

    private Span<float> LinkSims(int node, int level) =>
        level == 0 ? _bottomSims.AsSpan(node * (_m0 + 1), _m0 + 1) : _upperSims[node]![level - 1];

    private (int Node, float Sim) Greedy(ReadOnlySpan<float> query, int ep, float epSim, int level)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            var links = Links(ep, level);
            var count = Volatile.Read(ref links[0]);
            for (var i = 1; i <= count; i++)
            {
                var n = links[i];
                var s = Sim(query, n);
                if (s > epSim)
                {
                    epSim = s;
                    ep = n;
                    changed = true;
                }
            }
        }

        return (ep, epSim);
    }

    /// <summary>Best-first search on one layer; fills <paramref name="output"/> with up to <paramref name="ef"/> nodes, most similar first.</summary>
    private void SearchLayer(ReadOnlySpan<float> query, List<(int Node, float Sim)> entryPoints, int ef, int level, SearchScratch scratch, List<(int Node, float Sim)> output)
    {
        var visited = scratch.Visited;
        visited.Reset(_nodes);
        var candidates = scratch.Candidates; // max-similarity first (negated)
        var results = scratch.Results; // min-similarity first, bounded by ef
        candidates.Clear();
        results.Clear();
        foreach (var (ep, s) in entryPoints)
        {
            if (visited.Visit(ep))
            {
                candidates.Enqueue(ep, -s);
                results.Enqueue(ep, s);
                if (results.Count > ef)
                {
                    results.Dequeue();
                }
            }
        }

        results.TryPeek(out _, out var worst);
        Span<int> fresh = stackalloc int[Math.Max(_m0, _m) + 1];
        Span<float> sims = stackalloc float[fresh.Length];
        while (candidates.TryDequeue(out var c, out var negSim))
        {
            if (-negSim < worst && results.Count >= ef)
            {
                break;
            }

            // Gather the unvisited neighbours first, then score them in one tight loop: the rows'
            // memory loads overlap instead of waiting behind the queue updates.
            var links = Links(c, level);
            var count = Volatile.Read(ref links[0]);
            var k = 0;
            for (var i = 1; i <= count; i++)
            {
                if (visited.Visit(links[i]))
                {
                    fresh[k++] = links[i];
                }
            }

            for (var i = 0; i < k; i++)
            {
                sims[i] = Sim(query, fresh[i]);
            }

            for (var i = 0; i < k; i++)
            {
                var n = fresh[i];
                var s = sims[i];
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

        output.Clear();
        while (results.TryDequeue(out var n, out var s))
        {
            output.Add((n, s));
        }

        output.Reverse();
    }

    /// <summary>The paper's heuristic: keep a candidate only if it is closer to the base than to every neighbour already kept.</summary>
    private List<(int Node, float Sim)> SelectNeighbours(int node, List<(int Node, float Sim)> sortedBySimilarity, int max, List<(int Node, float Sim)> chosen)
    {
        chosen.Clear();
        foreach (var (candidate, sim) in sortedBySimilarity)
        {
            if (chosen.Count >= max)
            {
                break;
            }

            // A concurrent insert can link this node before its own search runs, so it may find itself.
            if (candidate == node)
            {
                continue;
            }

            var keep = true;
            var cv = Vec(candidate);
            foreach (var (kept, _) in chosen)
            {
                if (DotProduct.Compute(cv, Vec(kept)) > sim)
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

    private void Connect(int from, int to, float sim, int level, int max)
    {
        lock (_stripes[from & (LockStripes - 1)])
        {
            var links = Links(from, level);
            var sims = LinkSims(from, level);
            var count = links[0];
            for (var i = 1; i <= count; i++)
            {
                // A concurrent insert may already have linked the pair.
                if (links[i] == to)
                {
                    return;
                }
            }

            if (count < max)
            {
                links[count + 1] = to;
                sims[count + 1] = sim;
                Volatile.Write(ref links[0], count + 1);
                return;
            }

            // Full: the newcomer replaces the least similar neighbour if it is closer. Re-running the
            // diversity heuristic here (as hnswlib does) costs O(M²) dot products per backlink and
            // dominated build time; keeping the closest costs O(M) comparisons of stored similarities,
            // and recall on embedding-like data stays ≥ 0.99 (docs/performance.md).
            var worst = 1;
            var worstSim = float.PositiveInfinity;
            for (var i = 1; i <= count; i++)
            {
                if (sims[i] < worstSim)
                {
                    worstSim = sims[i];
                    worst = i;
                }
            }

            if (sim > worstSim)
            {
                sims[worst] = sim;
                Volatile.Write(ref links[worst], to);
            }
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
        Array.Resize(ref _bottom, capacity * (_m0 + 1));
        Array.Resize(ref _bottomSims, capacity * (_m0 + 1));
        Array.Resize(ref _upper, capacity);
        Array.Resize(ref _upperSims, capacity);
    }

    private SearchScratch RentScratch() => _scratchPool.TryTake(out var s) ? s : new SearchScratch();

    private sealed record Top(int Node, int Level);

    /// <summary>Per-search buffers, pooled so a search allocates nothing.</summary>
    private sealed class SearchScratch
    {
        public VisitedSet Visited { get; } = new();

        public PriorityQueue<int, float> Candidates { get; } = new();

        public PriorityQueue<int, float> Results { get; } = new();

        public List<(int Node, float Sim)> Entries { get; set; } = [];

        public List<(int Node, float Sim)> Found { get; set; } = [];

        public List<(int Node, float Sim)> Chosen { get; } = [];
    }

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

/// <summary>What <see cref="HnswIndex"/>'s structural check found (tests).</summary>
internal sealed record HnswDiagnostics(int Nodes, int ReachableFromEntry, int InvalidLinks, int SelfLinks, int DuplicateLinks, int OneWayLinks, int FullLists);
