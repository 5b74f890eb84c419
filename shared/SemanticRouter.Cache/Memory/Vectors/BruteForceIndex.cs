using System.Numerics.Tensors;

namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Exact search: one SIMD dot product (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// per stored vector over a contiguous slab. Removal moves the last row into the hole, so the scan
/// never skips gaps. The fastest choice until the scan itself approaches a millisecond.
/// </summary>
internal sealed class BruteForceIndex(int dimension) : IVectorIndex
{
    private readonly Dictionary<long, int> _rowById = [];
    private float[] _rows = new float[dimension * 16];
    private long[] _ids = new long[16];
    private int _count;

    public int Dimension { get; } = dimension;

    public int Count => _count;

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"expected {Dimension} dimensions, got {vector.Length}", nameof(vector));
        }

        if (_rowById.ContainsKey(id))
        {
            Remove(id);
        }

        if (_count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
            Array.Resize(ref _rows, _rows.Length * 2);
        }

        vector.CopyTo(_rows.AsSpan(_count * Dimension, Dimension));
        _ids[_count] = id;
        _rowById[id] = _count;
        _count++;
    }

    public bool Remove(long id)
    {
        if (!_rowById.Remove(id, out var row))
        {
            return false;
        }

        var last = _count - 1;
        if (row != last)
        {
            _rows.AsSpan(last * Dimension, Dimension).CopyTo(_rows.AsSpan(row * Dimension, Dimension));
            _ids[row] = _ids[last];
            _rowById[_ids[row]] = row;
        }

        _count--;
        return true;
    }

    public Neighbour Nearest(ReadOnlySpan<float> query)
    {
        var best = Neighbour.None;
        var rows = _rows.AsSpan(0, _count * Dimension);
        for (var i = 0; i < _count; i++)
        {
            var s = TensorPrimitives.Dot(query, rows.Slice(i * Dimension, Dimension));
            if (s > best.Similarity)
            {
                best = new Neighbour(_ids[i], s);
            }
        }

        return best;
    }

    /// <summary>Every stored (id, vector) pair, for building an index from the live set.</summary>
    public IEnumerable<(long Id, float[] Vector)> Entries()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return (_ids[i], _rows.AsSpan(i * Dimension, Dimension).ToArray());
        }
    }

    public ReadOnlySpan<float> Vector(long id) => _rows.AsSpan(_rowById[id] * Dimension, Dimension);
}
