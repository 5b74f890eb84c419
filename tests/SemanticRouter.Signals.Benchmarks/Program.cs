using SemanticRouter.Signals.Benchmarks;

// Console benchmarks for the learned signals (see docs/performance.md, "Learned signals"):
//   latency     added latency of all learned signals on a 100-token prompt, p50/p99 at 1 and 32 concurrent
//   throughput  router requests/s with learned signals vs keyword-only routing, same run, same echo backend
//   pii-eval    entity-level F1 on held-out Presidio sentences (recognizers + token classifier)
//   jailbreak-threshold VAL.jsonl TEST.jsonl   pick the threshold on validation, report held-out recall / FP
//   jailbreak-methods VAL.jsonl TEST.jsonl     the same for the classifier, contrastive and hybrid methods
//   routing-quality DATA_DIR OUT_DIR           RouteLLM's MMLU benchmark for cost_quality (docs/routing-quality.md)
var mode = args.Length > 0 ? args[0] : "all";
var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 10;
if (mode is "jailbreak-threshold" or "jailbreak-methods" && args.Length < 3)
{
    Console.Error.WriteLine($"usage: {mode} VAL.jsonl TEST.jsonl");
    return;
}

if (mode == "routing-quality")
{
    await RoutingQualityBenchmark.RunAsync(args.Length > 1 ? args[1] : "../shared/data/domain", args.Length > 2 ? args[2] : "docs/routing-quality");
    return;
}

if (mode == "category-scoring-study")
{
    await RoutingQualityBenchmark.StudyAsync(args.Length > 1 ? args[1] : "../shared/data/domain");
    return;
}

if (mode == "jailbreak-methods")
{
    await JailbreakMethods.RunAsync(args[1], args[2]);
    return;
}

if (mode is "latency" or "all")
{
    await LatencyBenchmark.RunAsync(seconds);
}

if (mode is "throughput" or "all")
{
    await ThroughputBenchmark.RunAsync(seconds);
}

if (mode == "jailbreak-threshold")
{
    await JailbreakThreshold.RunAsync(args[1], args[2]);
    return;
}

if (mode is "pii-eval" or "all")
{
    await PiiEvaluation.RunAsync();
}
