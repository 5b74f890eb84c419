using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// Routing latency (signals + decision, no upstream) on a 100-token prompt with all learned signals referenced,
/// against keyword-only routing measured in the same run; the difference is what the learned signals add. Then the
/// same for ~512- and ~2,000-token prompts at one request (the classifier and embedder score the first 256 tokens; PII
/// scans 4,000-character windows; contrastive jailbreak rules score 320-character chunks).
/// </summary>
internal static class LatencyBenchmark
{
    public static async Task RunAsync(int seconds)
    {
        var baseline = await MeasureAsync(BenchConfigs.Baseline("http://127.0.0.1:9/v1"), seconds);
        var learned = await MeasureAsync(BenchConfigs.Learned("http://127.0.0.1:9/v1"), seconds);
        Console.WriteLine($"# latency on a {BenchConfigs.Prompt100Tokens.Length}-char (~100 token) prompt, {Environment.ProcessorCount} cores");
        Console.WriteLine("config     concurrency   p50 ms   p99 ms   req/s");
        foreach (var (name, rows) in new[] { ("baseline", baseline), ("learned", learned) })
        {
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-10} {r.Concurrency,11} {r.P50,8:0.000} {r.P99,8:0.000} {r.PerSecond,7:0}"));
            }
        }

        for (var i = 0; i < baseline.Count; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"added by learned signals at concurrency {baseline[i].Concurrency}: p50 {learned[i].P50 - baseline[i].P50:0.000} ms, p99 {learned[i].P99 - baseline[i].P99:0.000} ms"));
        }

        foreach (var repeats in new[] { 5, 20 })
        {
            var prompt = string.Join(' ', Enumerable.Repeat(BenchConfigs.Prompt100Tokens, repeats));
            var longBaseline = (await MeasureAsync(BenchConfigs.Baseline("http://127.0.0.1:9/v1"), seconds, prompt, [1]))[0];
            var longLearned = (await MeasureAsync(BenchConfigs.Learned("http://127.0.0.1:9/v1"), seconds, prompt, [1]))[0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"~{repeats * 100}-token prompt ({prompt.Length} chars), 1 request: keyword-only p50 {longBaseline.P50:0.000} / p99 {longBaseline.P99:0.000} ms; learned p50 {longLearned.P50:0.000} / p99 {longLearned.P99:0.000} ms"));
        }
    }

    private static async Task<List<Row>> MeasureAsync(string yaml, int seconds, string? prompt = null, int[]? concurrencies = null)
    {
        var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" });
        await using var _ = app;
        var pipeline = app.Services.GetRequiredService<RouterPipeline>();
        var next = BenchConfigs.CyclingChatBodies(prompt ?? BenchConfigs.Prompt100Tokens, body => new RouterRequest(Encoding.UTF8.GetBytes(body), new Dictionary<string, string>()));
        for (var i = 0; i < 50; i++)
        {
            await pipeline.ExplainAsync(next(), CancellationToken.None); // warm-up: loads models, JIT
        }

        var rows = new List<Row>();
        foreach (var concurrency in concurrencies ?? [1, 32])
        {
            var samples = new List<double>();
            var stop = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                var local = new List<double>();
                while (stop.Elapsed.TotalSeconds < seconds)
                {
                    var request = next();
                    var t = Stopwatch.GetTimestamp();
                    await pipeline.ExplainAsync(request, CancellationToken.None);
                    local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                return local;
            })).ToArray();
            foreach (var w in workers)
            {
                samples.AddRange(await w);
            }

            samples.Sort();
            rows.Add(new Row(concurrency, Percentile(samples, 0.5), Percentile(samples, 0.99), samples.Count / stop.Elapsed.TotalSeconds));
        }

        return rows;
    }

    internal static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record Row(int Concurrency, double P50, double P99, double PerSecond);
}
