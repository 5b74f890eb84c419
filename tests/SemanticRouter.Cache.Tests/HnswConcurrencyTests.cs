using System.Numerics.Tensors;
using SemanticRouter.Cache.Memory.Vectors;

namespace SemanticRouter.Cache.Tests;

/// <summary>
/// Parallel HNSW insertion: a graph built by several threads is structurally sound and finds the
/// exact nearest neighbour as often as the sequential build of the same data (fixed seed).
/// </summary>
public sealed class HnswConcurrencyTests
{
    private const int Dimension = 128;

    [Fact]
    public void Concurrent_build_reaches_the_recall_of_the_sequential_build_on_a_fixed_seed()
    {
        var random = new Random(11);
        var vectors = EmbeddingLike(random, 12_000);
        var items = vectors.Select((v, i) => ((long)i, v)).ToList();
        var exact = new BruteForceIndex(Dimension);
        foreach (var (id, v) in items)
        {
            exact.Add(id, v);
        }

        var queries = Enumerable.Range(0, 600).Select(_ => Noisy(random, vectors[random.Next(vectors.Length)], 0.6)).ToArray();
        var truth = queries.Select(q => exact.Nearest(q).Id).ToArray();

        var sequential = new HnswIndex(Dimension, new HnswParameters(EfConstruction: 64, EfSearch: 32));
        sequential.AddRange(items, parallelism: 1);

        // More workers than cores, so inserts interleave even on a small machine.
        var concurrent = new HnswIndex(Dimension, new HnswParameters(EfConstruction: 64, EfSearch: 32));
        concurrent.AddRange(items, parallelism: 6);

        var sequentialRecall = Recall(sequential, queries, truth);
        var concurrentRecall = Recall(concurrent, queries, truth);
        Assert.True(sequentialRecall >= 0.99, $"sequential recall@1 {sequentialRecall:0.000}");
        Assert.True(concurrentRecall >= sequentialRecall - 0.01, $"concurrent recall@1 {concurrentRecall:0.000} vs sequential {sequentialRecall:0.000}");
        AssertSound(sequential.Diagnose());
        AssertSound(concurrent.Diagnose());
    }

    [Fact]
    public void Many_threads_on_a_small_graph_leave_no_invalid_self_or_duplicate_links()
    {
        for (var round = 0; round < 5; round++)
        {
            var random = new Random(100 + round);
            var vectors = EmbeddingLike(random, 3000);
            var graph = new HnswIndex(Dimension, new HnswParameters(M: 16, EfConstruction: 48, Seed: round));
            graph.AddRange(vectors.Select((v, i) => ((long)i, v)).ToList(), parallelism: 16);
            AssertSound(graph.Diagnose());
            Assert.Equal(3000, graph.Count);

            // A stored vector finds itself unless pruning orphaned it (rare, order-dependent).
            var selfFound = vectors.Take(200).Select((v, i) => graph.Nearest(v).Id == i ? 1 : 0).Sum();
            Assert.True(selfFound >= 196, $"round {round}: {selfFound} of 200 stored vectors found themselves");
        }
    }

    [Fact]
    public void Concurrent_links_are_never_lost_while_no_list_is_full()
    {
        // While no neighbour list has filled up, nothing is pruned and every link must have its
        // reverse; a lost concurrent append shows up as a one-way link. Tight clusters make the
        // threads write to the same lists at once, and the diversity heuristic keeps lists short.
        for (var round = 0; round < 4; round++)
        {
            var random = new Random(200 + round);
            var centers = EmbeddingLike(random, 8);
            var vectors = Enumerable.Range(0, 4000).Select(i => Noisy(random, centers[i % 8], 0.3)).ToArray();
            var graph = new HnswIndex(Dimension, new HnswParameters(M: 64, EfConstruction: 128, Seed: round));
            graph.AddRange(vectors.Select((v, i) => ((long)i, v)).ToList(), parallelism: 8);
            var d = graph.Diagnose();
            Assert.Equal(0, d.FullLists);
            Assert.Equal(0, d.OneWayLinks);
            AssertSound(d);
        }
    }

    [Fact]
    public void Sequential_batch_insert_builds_the_same_graph_as_one_by_one_inserts()
    {
        var random = new Random(5);
        var vectors = EmbeddingLike(random, 2000);
        var oneByOne = new HnswIndex(Dimension, new HnswParameters(EfConstruction: 48));
        for (var i = 0; i < vectors.Length; i++)
        {
            oneByOne.Add(i, vectors[i]);
        }

        var batch = new HnswIndex(Dimension, new HnswParameters(EfConstruction: 48));
        batch.AddRange(vectors.Select((v, i) => ((long)i, v)).ToList(), parallelism: 1);
        for (var q = 0; q < 200; q++)
        {
            var query = Noisy(random, vectors[random.Next(vectors.Length)], 1.0);
            Assert.Equal(oneByOne.Nearest(query), batch.Nearest(query));
        }
    }

    [Theory]
    [InlineData(384)]
    [InlineData(512)]
    [InlineData(100)]
    public void Dot_product_kernel_agrees_with_tensor_primitives(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 50; trial++)
        {
            var a = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            Assert.Equal(TensorPrimitives.Dot(a, b), DotProduct.Compute(a, b), 4);
        }

        Assert.Throws<ArgumentException>(() => DotProduct.Compute(new float[4], new float[8]));
    }

    private static void AssertSound(HnswDiagnostics d)
    {
        Assert.True(d.InvalidLinks == 0 && d.SelfLinks == 0 && d.DuplicateLinks == 0, d.ToString());

        // Pruning full lists can orphan the odd node in any HNSW build (hnswlib too); a race that
        // dropped links would orphan many.
        Assert.True(d.ReachableFromEntry >= d.Nodes * 0.99, d.ToString());
    }

    private static double Recall(HnswIndex graph, float[][] queries, long[] truth) =>
        queries.Select((q, i) => graph.Nearest(q).Id == truth[i] ? 1 : 0).Sum() / (double)queries.Length;

    /// <summary>Low intrinsic dimension like sentence embeddings: a 16-d Gaussian latent mapped into 128-d plus noise.</summary>
    private static float[][] EmbeddingLike(Random random, int count)
    {
        var basis = Enumerable.Range(0, 16).Select(_ => Normalised(Enumerable.Range(0, Dimension).Select(_ => Gaussian(random)).ToArray())).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var v = new float[Dimension];
            foreach (var b in basis)
            {
                TensorPrimitives.MultiplyAdd(b, Gaussian(random), v, v);
            }

            for (var k = 0; k < Dimension; k++)
            {
                v[k] += 0.05f * Gaussian(random);
            }

            return Normalised(v);
        }).ToArray();
    }

    /// <summary>The vector plus Gaussian noise of total norm about <paramref name="sigma"/>, renormalised.</summary>
    private static float[] Noisy(Random random, float[] v, double sigma) =>
        Normalised(v.Select(x => x + (float)(sigma * Gaussian(random) / Math.Sqrt(Dimension))).ToArray());

    private static float[] Normalised(float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        return v.Select(x => x / norm).ToArray();
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
