using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// kill -9 of a real <c>serve</c> process in the middle of a burst of answered requests: every request the client got
/// a complete 200 answer for has its HaluGate audit on the <c>halugate-audits</c> queue (issue 20, item 1): at once
/// with <c>hand_off.mode: queue</c>; with <c>journal</c>, once a restarted <c>serve</c> on the same journal folder has
/// replayed what the killed one left.
/// </summary>
public sealed class AuditCrashDurabilityTests : IAsyncLifetime
{
    private const string Context = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 as the entrance arch for the World's Fair.";

    private readonly AzuriteServer _azurite = AzuriteServer.InMemoryOnly();
    private readonly string _work = Directory.CreateTempSubdirectory("sr-audit-kill-").FullName;
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Every_answered_request_has_its_audit_on_the_queue_after_kill_9()
    {
        await _azurite.StartAsync();
        await using var backend = await StartBackendAsync();
        var config = await WriteConfigAsync(backend, "{mode: queue}");

        var answered = await AnswerUntilKilledAsync(config);

        var queued = await QueuedRequestIdsAsync();
        var lost = answered.Where(id => !queued.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} answered requests have no audit on the queue: {string.Join(", ", lost.Take(10))}");
    }

    [Fact]
    public async Task With_the_journal_every_answered_request_has_its_audit_on_the_queue_after_kill_9_and_a_restart()
    {
        // Storage is down for the whole first run, so nothing can reach the queue before the kill: every audit that
        // arrives later came from the journal the killed process left, replayed by the next one.
        await using var backend = await StartBackendAsync();
        var journal = Path.Combine(_work, "journal");
        var config = await WriteConfigAsync(backend, $"{{mode: journal, journal_dir: '{journal}'}}");

        var answered = await AnswerUntilKilledAsync(config);
        Assert.NotEmpty(Directory.GetFiles(journal, "*.jsonl", SearchOption.AllDirectories));

        await _azurite.StartAsync();
        var port = FreePort.Next();
        using var restarted = StartServe(config, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitForHealthAsync(http, restarted);
            var waited = Stopwatch.StartNew();
            List<string> lost;
            do
            {
                await Task.Delay(200);
                var queued = await QueuedRequestIdsAsync();
                lost = answered.Where(id => !queued.Contains(id)).ToList();
            }
            while (lost.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(90));

            Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} answered requests have no audit on the queue after the restart: {string.Join(", ", lost.Take(10))}");
            Assert.Empty(Directory.GetFiles(journal, "*.jsonl", SearchOption.AllDirectories));
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
        }
    }

    private static async Task<LoopbackBackend> StartBackendAsync()
    {
        var backend = await LoopbackBackend.StartAsync("b");
        backend.RecordRequests = false;
        backend.AnswerText = _ => "The Eiffel Tower is 324 m tall and was completed in 1889.";
        return backend;
    }

    private async Task<string> WriteConfigAsync(LoopbackBackend backend, string handOff)
    {
        var config = Path.Combine(_work, "router.yaml");
        await File.WriteAllTextAsync(config, $$$"""
            version: v1
            providers:
              default_model: m
              models: [{name: m, backend_refs: [{name: b, base_url: "{{{backend.BaseUrl}}}"}]}]
            routing:
              decisions:
                - name: grounded
                  priority: 1
                  rules: {operator: AND, conditions: []}
                  modelRefs: [{model: m}]
                  plugins: [{type: hallucination, configuration: {mode: async}}]
            global:
              halugate:
                hand_off: {{{handOff}}}
            """);
        return config;
    }

    /// <summary>Eight clients send requests back to back; the process is killed while they are in flight. Returns the ids answered 200.</summary>
    private async Task<IReadOnlyCollection<string>> AnswerUntilKilledAsync(string config)
    {
        var port = FreePort.Next();
        using var router = StartServe(config, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForHealthAsync(http, router);

        var answered = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"kill-{port}-{c}-{i}";
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                    {
                        Content = new StringContent($$"""{"model":"MoM","context":["{{Context}}"],"messages":[{"role":"user","content":"How tall is the Eiffel Tower?"}]}""", Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("x-request-id", id);
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body)?["choices"] is not null)
                    {
                        answered.Add(id);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    return; // the process is gone
                }
            }
        })).ToArray();

        // Kill once a fair number has been answered (a loaded machine may take a while), with requests still in flight.
        var waited = Stopwatch.StartNew();
        while (answered.Count < 30 && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        router.Kill(entireProcessTree: true);
        await router.WaitForExitAsync();
        stop.Cancel();
        await Task.WhenAll(clients);
        Assert.True(answered.Count >= 20, $"only {answered.Count} requests were answered before the kill");
        return answered.ToArray();
    }

    private Process StartServe(string config, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "SemanticRouter.dll"), "serve", "--config", config, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AzureWebJobsStorage"] = _azurite.ConnectionString;
        start.Environment["QUEUE_POLLERS"] = "false"; // leave every audit on the queue to be counted
        start.Environment["MODELS_CACHE_DIR"] = Path.Combine(_work, "cache");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process router)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(router.HasExited, "serve exited early with code " + (router.HasExited ? router.ExitCode : 0));
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "serve did not start listening within 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Every request id received from the queue so far (received messages stay invisible, so ids accumulate here).</summary>
    private async Task<HashSet<string>> QueuedRequestIdsAsync()
    {
        using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(_azurite.ConnectionString));
        var queue = account.GetQueueClient("halugate-audits");
        await queue.CreateIfNotExistsAsync();
        var ids = _queued;
        while ((await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5))) is { Count: > 0 } batch)
        {
            foreach (var m in batch)
            {
                ids.Add(JsonNode.Parse(m.Text)!["request_id"]!.GetValue<string>());
            }
        }

        return ids;
    }
}
