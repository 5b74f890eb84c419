using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Memory;
using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Cache.Memory.Vectors;

namespace SemanticRouter.Cache.Benchmarks;

/// <summary>
/// Bytes per entry of the memory store: fills a real <see cref="MemoryResponseCacheStore"/> with entries shaped like
/// the router writes them (384-d unit vector, SHA-256 exact key, partition and content terms, a chat-completion JSON
/// answer of a given size) and reports the managed heap growth after a full GC and the process working-set growth,
/// both divided by the entry count. Partitions above <c>ann_min_entries</c> get their HNSW graph too. The sizing table
/// in docs/caching.md comes from this.
/// </summary>
internal static class MemoryFootprintBenchmark
{
    private const int Dimension = 384;

    public static void Run(int[] sizes, int[] answerBytes)
    {
        Console.WriteLine($"# memory footprint: {Dimension}-d vectors, one partition, ann_min_entries 20000 (HNSW M 16 above it), .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine("| entries | answer bytes | managed heap / entry (KB) | working set / entry (KB) | max_bytes estimate / entry (KB) | heap total (MB) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var answer in answerBytes)
        {
            foreach (var n in sizes)
            {
                RunOne(n, answer);
            }
        }
    }

    private static void RunOne(int n, int answerBytes)
    {
        var random = new Random(n + answerBytes);
        Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var wsBefore = Process.GetCurrentProcess().WorkingSet64;

        var store = new MemoryResponseCacheStore(new MemoryStoreOptions(n, EvictionPolicyKind.Fifo, 20_000, new HnswParameters(), long.MaxValue));
        var answerText = new string('x', Math.Max(0, answerBytes - 300));
        for (var i = 0; i < n; i++)
        {
            var exact = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes((long)i)));
            var key = new CacheKey("default", string.Empty, "qwen3-8b", "faq|default||qwen3-8b|sentence-embedder@0123456789ab|json", exact, Terms: "a1b2c3d4,e5f6a7b8,c9d0e1f2,a3b4c5d6");
            var completion = Encoding.UTF8.GetBytes($$$"""{"id":"chatcmpl-{{{i}}}","object":"chat.completion","created":1700000000,"model":"qwen3-8b","choices":[{"index":0,"message":{"role":"assistant","content":"{{{answerText}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":40,"total_tokens":52}}""");
            _ = store.WriteAsync(key, Unit(random), completion, TimeSpan.FromHours(1), CancellationToken.None);
        }

        Collect();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var wsAfter = Process.GetCurrentProcess().WorkingSet64;
        GC.KeepAlive(store);
        Console.WriteLine($"| {n:N0} | {answerBytes:N0} | {(heapAfter - heapBefore) / 1024.0 / n:F1} | {(wsAfter - wsBefore) / 1024.0 / n:F1} | {store.EstimatedBytes / 1024.0 / n:F1} | {(heapAfter - heapBefore) / 1024.0 / 1024:F0} |");
    }

    private static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static float[] Unit(Random random)
    {
        var v = new float[Dimension];
        var norm = 0d;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
            norm += v[i] * v[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }

        return v;
    }
}
