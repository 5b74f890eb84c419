using SemanticRouter.Cache.Benchmarks;

// Usage: dotnet run -c Release --project tests/SemanticRouter.Cache.Benchmarks -- [e2e|index|threshold|all]
//        [--sizes 10000,100000,1000000] [--data embedding|random] [--efc 64] [--graph-max N (skip HNSW above N entries)]
var mode = args.Length > 0 ? args[0] : "all";
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var sizes = args.SkipWhile(a => a != "--sizes").Skip(1).FirstOrDefault()?.Split(',').Select(int.Parse).ToArray() ?? [10_000, 100_000, 1_000_000];
if (mode is "threshold" or "all")
{
    ThresholdReport.Run();
}

if (mode is "e2e" or "all")
{
    await EndToEndBenchmark.RunAsync();
}

if (mode is "index" or "all")
{
    IndexBenchmark.Run(sizes, Option("--data", "embedding"), int.Parse(Option("--efc", "64"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Option("--graph-max", "100000000"), System.Globalization.CultureInfo.InvariantCulture));
}
