using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// End-to-end router throughput over HTTP (Kestrel on loopback, a loopback backend answering at once) with 32
/// concurrent clients: keyword-only routing, then all learned signals, in the same process and run.
/// </summary>
internal static class ThroughputBenchmark
{
    public static async Task RunAsync(int seconds)
    {
        await using var backend = await LoopbackBackend.StartAsync("echo");
        var baseline = await MeasureAsync(BenchConfigs.Baseline(backend.BaseUrl.ToString()), seconds);
        var learned = await MeasureAsync(BenchConfigs.Learned(backend.BaseUrl.ToString()), seconds);
        Console.WriteLine("# router throughput, 32 concurrent clients, non-streaming chat completions");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline (keyword routing): {baseline.PerSecond:0} req/s, p50 {baseline.P50:0.00} ms, p99 {baseline.P99:0.00} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learned signals:            {learned.PerSecond:0} req/s, p50 {learned.P50:0.00} ms, p99 {learned.P99:0.00} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio learned/baseline: {learned.PerSecond / baseline.PerSecond:0.00}"));
    }

    private static async Task<(double PerSecond, double P50, double P99)> MeasureAsync(string yaml, int seconds)
    {
        var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = RouterApplication.BoundAddress(app) };
            var next = BenchConfigs.CyclingChatBodies(BenchConfigs.Prompt100Tokens, body => body);
            for (var i = 0; i < 50; i++)
            {
                await SendAsync(http, next());
            }

            var stop = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            {
                var local = new List<double>();
                while (stop.Elapsed.TotalSeconds < seconds)
                {
                    var body = next();
                    var t = Stopwatch.GetTimestamp();
                    await SendAsync(http, body);
                    local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                return local;
            })).ToArray();
            var all = new List<double>();
            foreach (var w in workers)
            {
                all.AddRange(await w);
            }

            all.Sort();
            return (all.Count / stop.Elapsed.TotalSeconds, LatencyBenchmark.Percentile(all, 0.5), LatencyBenchmark.Percentile(all, 0.99));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task SendAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"router answered {(int)response.StatusCode}");
        }

        await response.Content.ReadAsByteArrayAsync();
    }
}
