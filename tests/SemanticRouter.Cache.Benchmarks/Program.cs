using SemanticRouter.Cache.Benchmarks;

// Usage: dotnet run -c Release --project tests/SemanticRouter.Cache.Benchmarks -- [e2e|index|build|threshold|memory|all]
//        [--sizes 10000,100000,1000000] [--data embedding|random] [--efc 64] [--graph-max N (skip HNSW above N entries)]
//        [--threads N (HNSW build threads; default: all cores)] [--build-size 50000 (build mode)]
//        [--embedder sentence-embedder|hashing-ngram-512-v1 (threshold mode)]
var mode = args.Length > 0 ? args[0] : "all";
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var threads = int.Parse(Option("--threads", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
var efc = int.Parse(Option("--efc", "64"), System.Globalization.CultureInfo.InvariantCulture);
var sizes = args.SkipWhile(a => a != "--sizes").Skip(1).FirstOrDefault()?.Split(',').Select(int.Parse).ToArray() ?? [10_000, 100_000, 1_000_000];
// threshold: needs the datasets folder beside the checkout (../shared/data); exits 1 when a claim of docs/caching.md fails.
var failedClaims = mode is "threshold" or "all" ? ThresholdReport.Run(Option("--embedder", "sentence-embedder")) : [];

if (mode is "e2e" or "all")
{
    await EndToEndBenchmark.RunAsync();
}

if (mode is "index" or "all")
{
    IndexBenchmark.Run(sizes, Option("--data", "embedding"), efc, int.Parse(Option("--graph-max", "100000000"), System.Globalization.CultureInfo.InvariantCulture), threads);
}

if (mode is "build")
{
    BuildBenchmark.Run(int.Parse(Option("--build-size", "50000"), System.Globalization.CultureInfo.InvariantCulture), efc, Math.Max(2, threads));
}

if (mode is "memory")
{
    // Bytes per cached entry (docs/caching.md, "Memory per entry and sizing").
    MemoryFootprintBenchmark.Run(
        args.SkipWhile(a => a != "--sizes").Skip(1).FirstOrDefault()?.Split(',').Select(int.Parse).ToArray() ?? [10_000, 50_000],
        Option("--answer-bytes", "1000,4000,16000").Split(',').Select(int.Parse).ToArray());
}

return failedClaims.Count == 0 ? 0 : 1;
