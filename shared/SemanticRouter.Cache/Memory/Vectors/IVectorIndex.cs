namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Nearest-neighbour search over L2-normalised vectors by inner product (= cosine similarity).
/// Writers are serialised by the caller; searches may run concurrently with each other.
/// </summary>
internal interface IVectorIndex
{
    int Count { get; }

    void Add(long id, ReadOnlySpan<float> vector);

    bool Remove(long id);

    /// <summary>The most similar live vector, or <see cref="Neighbour.None"/> when empty.</summary>
    Neighbour Nearest(ReadOnlySpan<float> query);
}

/// <summary>A search result: the stored id and its cosine similarity to the query.</summary>
internal readonly record struct Neighbour(long Id, float Similarity)
{
    public static Neighbour None { get; } = new(-1, float.NegativeInfinity);

    public bool Found => Id >= 0;
}
