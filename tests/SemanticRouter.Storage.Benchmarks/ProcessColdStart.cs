using System.Diagnostics;
using System.Globalization;

namespace SemanticRouter.Storage.Benchmarks;

/// <summary>
/// Cold start of the whole app: from starting the <c>serve</c> process to <c>GET /ready</c> answering 200 with a config
/// that references every learned signal (so readiness waits for all default models), the models coming from Azurite
/// into an empty cache ("cold") or a cache an earlier process filled ("warm restart"); a config with keyword routing
/// only (no model needed) is the baseline, started the same way in the same run.
/// </summary>
internal static class ProcessColdStart
{
    private const string Header = """
        version: v1
        providers:
          default_model: small
          models: [{name: small, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}]
        routing:

        """;

    private const string KeywordOnly = Header + """
          signals:
            keywords: [{name: k, operator: OR, keywords: ["projectile"]}]
          decisions:
            - {name: d, priority: 1, rules: {operator: OR, conditions: [{type: keyword, name: k}]}, modelRefs: [{model: small}]}
        """;

    private const string AllLearned = Header + """
          signals:
            domains: [{name: physics}]
            jailbreak: [{name: jb}]
            pii: [{name: pii_any, pii_types_allowed: []}]
            embeddings: [{name: support, candidates: ["reset my password"]}]
            complexity: [{name: rq, hard: {candidates: ["prove the theorem"]}, easy: {candidates: ["say hello"]}}]
            language: [{name: en}]
          decisions:
            - name: all
              priority: 1
              rules: {operator: OR, conditions: [{type: domain, name: physics}, {type: jailbreak, name: jb}, {type: pii, name: pii_any}, {type: embedding, name: support}, {type: complexity, name: "rq:hard"}, {type: language, name: en}]}
              modelRefs: [{model: small}]
        """;

    public static async Task RunAsync(string connectionString, string work, int iterations)
    {
        var keywordConfig = Path.Combine(work, "keyword.yaml");
        var learnedConfig = Path.Combine(work, "learned.yaml");
        await File.WriteAllTextAsync(keywordConfig, KeywordOnly);
        await File.WriteAllTextAsync(learnedConfig, AllLearned);
        await TimeToReadyAsync(keywordConfig, connectionString, Path.Combine(work, "pcache-warmup")); // JIT caches, disk

        var baseline = new List<double>();
        var cold = new List<double>();
        var warm = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var cache = Path.Combine(work, "pcache-" + i.ToString(CultureInfo.InvariantCulture));
            baseline.Add(await TimeToReadyAsync(keywordConfig, connectionString, cache + "-k"));
            cold.Add(await TimeToReadyAsync(learnedConfig, connectionString, cache));
            warm.Add(await TimeToReadyAsync(learnedConfig, connectionString, cache));
        }

        var b = Program.Median(baseline);
        Console.WriteLine();
        Console.WriteLine($"Process start to /ready = 200 (`serve`, models from Azurite), {iterations} iterations, medians:");
        Console.WriteLine();
        Console.WriteLine("| Start | Time to ready (ms) | Ratio vs keyword-only |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| Keyword-only config (no model needed; baseline) | {b:0} | 1.00 |");
        Console.WriteLine($"| All learned signals, cold (empty model cache) | {Program.Median(cold):0} | {Program.Median(cold) / b:0.00} |");
        Console.WriteLine($"| All learned signals, warm restart (cache filled) | {Program.Median(warm):0} | {Program.Median(warm) / b:0.00} |");
    }

    private static async Task<double> TimeToReadyAsync(string config, string connectionString, string cache)
    {
        var port = Testing.FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "SemanticRouter.dll"), "serve", "--config", config, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AzureWebJobsStorage"] = connectionString;
        start.Environment["MODELS_CACHE_DIR"] = cache;
        start.Environment["QUEUE_POLLERS"] = "false";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (stopwatch.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"serve exited with code {process.ExitCode}");
                }

                try
                {
                    using var response = await http.GetAsync("/ready");
                    if (response.IsSuccessStatusCode)
                    {
                        return stopwatch.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException)
                {
                    // Busy starting.
                }

                await Task.Delay(10);
            }

            throw new TimeoutException("serve was not ready within 2 minutes");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
