using System.Diagnostics;
using SemanticRouter.Cache.Memory.Vectors;

namespace SemanticRouter.Cache.Benchmarks;

/// <summary>
/// Lookup latency of SIMD brute force vs HNSW (M 16, ef 64; efConstruction from the command line)
/// over 384-d unit vectors, and HNSW recall@1 against the exact answer. Data is either
/// <c>embedding</c>-like (a 32-d Gaussian latent mapped linearly into 384-d plus isotropic noise, so
/// the intrinsic dimension is low as with sentence embeddings) or uniformly <c>random</c> (the worst
/// case for any graph index). Queries model cache lookups that should hit: a stored vector plus
/// Gaussian noise, at cosine ≈ 0.9 and ≈ 0.8 to it.
/// </summary>
internal static class IndexBenchmark
{
    internal const int Dimension = 384;

    internal const int Latent = 32;

    public static void Run(int[] sizes, string data, int efConstruction, int graphMax, int threads)
    {
        Console.WriteLine($"# index benchmark: {Dimension}-d {data} unit vectors, HNSW M 16 efConstruction {efConstruction} ef 64, {Environment.ProcessorCount} cores, build on {threads} thread(s), queries single-threaded");
        Console.WriteLine("| entries | brute force p50 / p99 (ms) | HNSW p50 / p99 (ms) | speed-up (p50) | recall@1 (cos 0.9) | recall@1 (cos 0.8) | HNSW build wall / CPU (s) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var n in sizes)
        {
            RunOne(n, data == "random", efConstruction, n <= graphMax, threads);
        }
    }

    private static void RunOne(int n, bool uniform, int efConstruction, bool withGraph, int threads)
    {
        var random = new Random(n);
        var projection = new float[Latent][];
        for (var j = 0; j < Latent; j++)
        {
            projection[j] = Unit(random);
        }

        var exact = new BruteForceIndex(Dimension);
        var vectors = new float[n][];
        for (var i = 0; i < n; i++)
        {
            vectors[i] = uniform ? Unit(random) : EmbeddingLike(random, projection);
            exact.Add(i, vectors[i]);
        }

        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        HnswIndex? graph = null;
        if (withGraph)
        {
            graph = new HnswIndex(Dimension, new HnswParameters(EfConstruction: efConstruction), n);
            graph.AddRange(vectors.Select((v, i) => ((long)i, v)).ToList(), threads);
        }

        var build = clock.Elapsed.TotalSeconds;
        var buildCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var queries = n >= 1_000_000 ? 200 : 1000;
        var near = Queries(random, vectors, queries, cosine: 0.9);
        var far = Queries(random, vectors, queries, cosine: 0.8);

        // Warm both paths so JIT and caches do not land in the first samples.
        foreach (var q in near.Take(20))
        {
            exact.Nearest(q);
            graph?.Nearest(q);
        }

        var bruteMs = new List<double>(queries);
        var graphMs = new List<double>(queries);
        var hits9 = 0;
        var hits8 = 0;
        for (var i = 0; i < queries; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var truth = exact.Nearest(near[i]);
            bruteMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (graph is null)
            {
                continue;
            }

            var t1 = Stopwatch.GetTimestamp();
            var found = graph.Nearest(near[i]);
            graphMs.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
            hits9 += found.Id == truth.Id ? 1 : 0;
            hits8 += graph.Nearest(far[i]).Id == exact.Nearest(far[i]).Id ? 1 : 0;
        }

        if (graph is null)
        {
            Console.WriteLine($"| {n:N0} | {Stats.Percentile(bruteMs, 50):0.000} / {Stats.Percentile(bruteMs, 99):0.000} | not built (--graph-max) | | | | |");
            return;
        }

        var speedUp = Stats.Percentile(bruteMs, 50) / Stats.Percentile(graphMs, 50);
        Console.WriteLine($"| {n:N0} | {Stats.Percentile(bruteMs, 50):0.000} / {Stats.Percentile(bruteMs, 99):0.000} | {Stats.Percentile(graphMs, 50):0.000} / {Stats.Percentile(graphMs, 99):0.000} | {speedUp:0.0}x | {hits9 / (double)queries:0.000} | {hits8 / (double)queries:0.000} | {build:0.0} / {buildCpu:0.0} |");
    }

    internal static float[][] Queries(Random random, float[][] vectors, int count, double cosine)
    {
        // q = v + sigma * g with g ~ N(0, I/d): cos(v, q) ≈ 1 / sqrt(1 + sigma²).
        var sigma = Math.Sqrt(1 / (cosine * cosine) - 1);
        var queries = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var v = vectors[random.Next(vectors.Length)];
            var q = new float[Dimension];
            for (var k = 0; k < Dimension; k++)
            {
                q[k] = v[k] + (float)(sigma * Gaussian(random) / Math.Sqrt(Dimension));
            }

            Normalise(q);
            queries[i] = q;
        }

        return queries;
    }

    internal static float[] EmbeddingLike(Random random, float[][] projection)
    {
        var v = new float[Dimension];
        for (var j = 0; j < Latent; j++)
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(projection[j], (float)Gaussian(random), v, v);
        }

        for (var k = 0; k < Dimension; k++)
        {
            v[k] += (float)(0.05 * Gaussian(random));
        }

        Normalise(v);
        return v;
    }

    internal static float[] Unit(Random random)
    {
        var v = new float[Dimension];
        for (var k = 0; k < Dimension; k++)
        {
            v[k] = (float)Gaussian(random);
        }

        Normalise(v);
        return v;
    }

    private static void Normalise(float[] v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
