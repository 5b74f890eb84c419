using System.Diagnostics;
using System.Net;
using System.Text;

namespace SemanticRouter.Benchmarks;

/// <summary>Closed-loop load: N workers send requests back to back for a fixed time; latencies recorded.</summary>
/// <param name="CpuSeconds">CPU time of the whole process (client, router and backend) during the measured window.</param>
/// <param name="AllocatedBytes">Bytes allocated by the whole process during the measured window (includes the latency lists).</param>
internal sealed record LoadResult(string Name, int Concurrency, int Requests, int Errors, double Seconds, double P50Ms, double P99Ms, double CpuSeconds, long AllocatedBytes = 0)
{
    public double Throughput => Requests / Seconds;

    /// <summary>
    /// CPU microseconds per request for client + proxy + backend together. Unlike throughput it barely moves
    /// when other processes compete for the cores, so differences between paths are the clearest cost signal.
    /// </summary>
    public double CpuMicrosPerRequest => CpuSeconds * 1e6 / Math.Max(1, Requests);

    public long BytesPerRequest => AllocatedBytes / Math.Max(1, Requests);
}

internal static class LoadRun
{
    public static async Task<LoadResult> RunAsync(string name, Uri url, string body, int concurrency, TimeSpan duration, TimeSpan warmup)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var payload = Encoding.UTF8.GetBytes(body);
        await WorkersAsync(client, url, payload, concurrency, warmup, null);
        var latencies = new List<double>[concurrency];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        var errors = await WorkersAsync(client, url, payload, concurrency, duration, latencies);
        watch.Stop();
        var allocatedBytes = GC.GetTotalAllocatedBytes() - allocated;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, concurrency, all.Length, errors, watch.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), cpuSeconds, allocatedBytes);
    }

    private static async Task<int> WorkersAsync(HttpClient client, Uri url, byte[] payload, int concurrency, TimeSpan duration, List<double>[]? latencies)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            if (latencies is not null)
            {
                latencies[i] = mine;
            }

            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(payload);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(url, content);
                await response.Content.LoadIntoBufferAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return errors;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
