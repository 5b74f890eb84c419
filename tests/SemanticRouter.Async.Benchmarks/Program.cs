using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Async;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.Queues;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

// Queue-function benchmarks (docs/performance.md, "Queue functions"):
//   1. audit throughput, messages/s: detector alone (baseline) vs the full queue path
//      (in-process queue + memory store, and Azurite queue + blob results);
//   2. webhook latency: POST /v1/feedback vs GET /health (baseline) on the real router.
//   3. durable audit hand-off: chat latency with `mode: async` audits, hand_off queue and journal, vs the same request unaudited.
// Usage: dotnet run -c Release --project tests/SemanticRouter.Async.Benchmarks [-- --messages 2000 --requests 2000]
//
// Detector quality on HaluEval (models/README.md; needs ../shared/data beside the checkout; exit 1 below the floors):
//   dotnet run -c Release --project tests/SemanticRouter.Async.Benchmarks -- detector-quality [--detector models/lettuce-detect]
var inv = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "detector-quality")
{
    return await DetectorQuality.RunAsync(args.SkipWhile(a => a != "--detector").Skip(1).FirstOrDefault());
}

var messages = Arg("--messages", 2000);
var requests = Arg("--requests", 2000);

const string Context = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 as the entrance arch for the World's Fair, designed by the company of Gustave Eiffel. About 7 million people visit it every year.";
const string Answer = "The Eiffel Tower is 324 m tall, was completed in 1889 and gets about 7 million visitors a year.";
AuditMessage Message(int i) => new() { RequestId = "bench-" + i.ToString(inv), Context = Context, Question = "Tell me about the Eiffel Tower.", Answer = Answer, Model = "large", Decision = "rag", Timestamp = DateTimeOffset.UtcNow };

Console.WriteLine($"# queue functions benchmark: {messages} audit messages, {requests} webhook requests, {Environment.ProcessorCount} cores");

// 1a. Baseline: the three audit stages alone.
var auditor = new HallucinationAuditor(new LexicalGroundingDetector());
for (var i = 0; i < 200; i++)
{
    await auditor.AuditAsync(Message(i), CancellationToken.None);
}

var sw = Stopwatch.StartNew();
for (var i = 0; i < messages; i++)
{
    await auditor.AuditAsync(Message(i), CancellationToken.None);
}

var detectorRate = messages / sw.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(inv, $"audit: detector only (baseline)          {detectorRate,10:F0} msg/s  1.00x"));

// 1b. Standalone path: in-process queue, memory store, real poller and handler.
var memoryRate = await QueuePathAsync(QueueProvider.InProcess(), new InMemoryAuditStore(messages + 10));
Console.WriteLine(string.Create(inv, $"audit: in-process queue + memory store    {memoryRate,10:F0} msg/s  {memoryRate / detectorRate:F3}x"));

// 1c. Storage path: Azurite queue and blob results.
await using var azurite = new AzuriteServer();
await azurite.StartAsync();
using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(azurite.ConnectionString));
var azuriteRate = await QueuePathAsync(QueueProvider.ForAccount(account), new BlobAuditStore(account.GetBlobClient(QueueNames.AuditContainer)), workers: 4);
Console.WriteLine(string.Create(inv, $"audit: Azurite queue + blob results (4 w) {azuriteRate,10:F0} msg/s  {azuriteRate / detectorRate:F3}x"));

// 2. Webhook latency on the real router (standalone, in-process queue), baseline GET /health.
var settings = new Dictionary<string, string> { ["FEEDBACK_WEBHOOK_TOKEN"] = "benchmark-token-0123456789" };
var app = RouterApplication.Build(new RouterHostOptions
{
    ConfigYaml = """
        version: v1
        providers:
          default_model: m
          models: [{name: m, backend_refs: [{name: b, base_url: "http://127.0.0.1:9/v1"}]}]
        routing:
          decisions: [{name: d, priority: 1, rules: {operator: AND, conditions: []}, modelRefs: [{model: m}]}]
        """,
    Urls = "http://127.0.0.1:0",
    Environment = n => settings.TryGetValue(n, out var v) ? v : null,
});
await app.StartAsync();
using var http = new HttpClient { BaseAddress = RouterApplication.BoundAddress(app) };
http.DefaultRequestHeaders.Authorization = new("Bearer", "benchmark-token-0123456789");
var health = await LatencyAsync(() => http.GetAsync("/health"));
var feedback = await LatencyAsync(() => http.PostAsJsonAsync("/v1/feedback", new { request_id = "r-1", rating = "up" }));
Console.WriteLine(string.Create(inv, $"webhook: GET /health (baseline)      p50 {health.P50,7:F3} ms  p99 {health.P99,7:F3} ms  1.00x"));
Console.WriteLine(string.Create(inv, $"webhook: POST /v1/feedback -> 202    p50 {feedback.P50,7:F3} ms  p99 {feedback.P99,7:F3} ms  {feedback.P50 / health.P50:F2}x (p50)"));
await app.StopAsync();

// 3. The durable hand-off's cost on the response path: the same grounded request to a loopback backend, through a
//    decision with the hallucination plugin and through one without (baseline), on two routers sharing one Azurite:
//    `hand_off.mode: queue` (the answer waits for the queue write) and `journal` (the answer waits for a local append;
//    a pump sends it). All three interleaved so they see the same machine load.
await using var backend = await LoopbackBackend.StartAsync("b");
backend.RecordRequests = false;
backend.AnswerText = _ => Answer;
var storageSettings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["QUEUE_POLLERS"] = "false" };
var journalDirectory = Directory.CreateTempSubdirectory("sr-bench-journal-").FullName;
WebApplication HandOffRouter(string handOff) => RouterApplication.Build(new RouterHostOptions
{
    ConfigYaml = $$$"""
        version: v1
        providers:
          default_model: m
          models: [{name: m, backend_refs: [{name: b, base_url: "{{{backend.BaseUrl}}}"}]}]
        routing:
          signals:
            keywords: [{name: audit_me, operator: OR, keywords: ["audited"]}]
          decisions:
            - {name: audited, priority: 2, rules: {operator: OR, conditions: [{type: keyword, name: audit_me}]}, modelRefs: [{model: m}], plugins: [{type: hallucination, configuration: {mode: async}}]}
            - {name: plain, priority: 1, rules: {operator: AND, conditions: []}, modelRefs: [{model: m}]}
        global:
          halugate:
            hand_off: {{{handOff}}}
        """,
    Urls = "http://127.0.0.1:0",
    Environment = n => storageSettings.TryGetValue(n, out var v) ? v : null,
});
var queueMode = HandOffRouter("{mode: queue}");
var journalMode = HandOffRouter($"{{mode: journal, journal_dir: '{journalDirectory}'}}");
await queueMode.StartAsync();
await journalMode.StartAsync();
using var queueChat = new HttpClient { BaseAddress = RouterApplication.BoundAddress(queueMode) };
using var journalChat = new HttpClient { BaseAddress = RouterApplication.BoundAddress(journalMode) };
HttpContent Chat(string word) => JsonContent.Create(JsonDocument.Parse($$"""{"model":"MoM","context":["{{Context}}"],"messages":[{"role":"user","content":"Tell me about the Eiffel Tower ({{word}})."}]}""").RootElement);
var latencies = await InterleavedLatencyAsync(
    () => journalChat.PostAsync("/v1/chat/completions", Chat("plain")),
    () => queueChat.PostAsync("/v1/chat/completions", Chat("audited")),
    () => journalChat.PostAsync("/v1/chat/completions", Chat("audited")));
var (plainLatency, queueLatency, journalLatency) = (latencies[0], latencies[1], latencies[2]);
var auditQueue = account.GetQueueClient(QueueNames.HalugateAudits);
var drained = Stopwatch.StartNew();
var expected = 2 * (100 + requests);
int queuedAudits;
while ((queuedAudits = await auditQueue.GetApproximateCountAsync()) < expected && drained.Elapsed < TimeSpan.FromSeconds(60))
{
    await Task.Delay(50);
}

Console.WriteLine(string.Create(inv, $"audit hand-off: chat, no audit (baseline)       p50 {plainLatency.P50,7:F3} ms  p99 {plainLatency.P99,7:F3} ms  1.00x"));
Console.WriteLine(string.Create(inv, $"audit hand-off: chat, mode queue (Azurite)      p50 {queueLatency.P50,7:F3} ms  p99 {queueLatency.P99,7:F3} ms  {queueLatency.P50 / plainLatency.P50:F2}x (p50), +{queueLatency.P50 - plainLatency.P50:F3} ms"));
Console.WriteLine(string.Create(inv, $"audit hand-off: chat, mode journal (local file) p50 {journalLatency.P50,7:F3} ms  p99 {journalLatency.P99,7:F3} ms  {journalLatency.P50 / plainLatency.P50:F2}x (p50), +{journalLatency.P50 - plainLatency.P50:F3} ms"));
Console.WriteLine(string.Create(inv, $"audit hand-off: {queuedAudits} of {expected} audits on the queue {drained.Elapsed.TotalSeconds:F1} s after the last request"));
await queueMode.StopAsync();
await journalMode.StopAsync();
Directory.Delete(journalDirectory, recursive: true);
return 0;

async Task<(double P50, double P99)[]> InterleavedLatencyAsync(params Func<Task<HttpResponseMessage>>[] calls)
{
    for (var i = 0; i < 100; i++)
    {
        foreach (var call in calls)
        {
            (await call()).Dispose();
        }
    }

    var samples = calls.Select(_ => new double[requests]).ToArray();
    for (var i = 0; i < requests; i++)
    {
        for (var c = 0; c < calls.Length; c++)
        {
            samples[c][i] = await TimeAsync(calls[c]);
        }
    }

    return [.. samples.Select(s =>
    {
        Array.Sort(s);
        return (s[requests / 2], s[(int)(requests * 0.99)]);
    })];

    static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> call)
    {
        var t = Stopwatch.GetTimestamp();
        using var response = await call();
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        return response.IsSuccessStatusCode ? elapsed : throw new InvalidOperationException($"benchmark call failed: {(int)response.StatusCode}");
    }
}

async Task<double> QueuePathAsync(IQueueProvider queues, IAuditStore store, int workers = 1)
{
    var queue = await queues.GetAsync(QueueNames.HalugateAudits, CancellationToken.None);
    var offset = Random.Shared.Next(1_000_000) * 10_000;
    await Parallel.ForAsync(0, messages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        await queue.SendAsync(JsonSerializer.Serialize(Message(offset + i) with { RequestId = "bench-" + (offset + i).ToString(inv) }, AsyncJsonContext.Default.AuditMessage), cancellationToken: ct));
    var handler = new HalugateAuditHandler(auditor, store, NullLogger<HalugateAuditHandler>.Instance);
    var options = new QueuePollerOptions { BatchSize = 32, MinPollingInterval = TimeSpan.FromMilliseconds(10), MaxPollingInterval = TimeSpan.FromMilliseconds(50) };
    using var stop = new CancellationTokenSource();
    var timer = Stopwatch.StartNew();
    var loops = Enumerable.Range(0, workers).Select(_ => new QueuePoller(handler, queues, new PoisonQueue(queues, NullLogger<PoisonQueue>.Instance), options, NullLogger<QueuePoller>.Instance).RunAsync(stop.Token)).ToList();
    while (await queue.GetApproximateCountAsync() > 0)
    {
        await Task.Delay(20);
    }

    var rate = messages / timer.Elapsed.TotalSeconds;
    await stop.CancelAsync();
    await Task.WhenAll(loops);
    return rate;
}

async Task<(double P50, double P99)> LatencyAsync(Func<Task<HttpResponseMessage>> call)
{
    for (var i = 0; i < 100; i++)
    {
        (await call()).Dispose();
    }

    var samples = new double[requests];
    for (var i = 0; i < requests; i++)
    {
        var t = Stopwatch.GetTimestamp();
        using var response = await call();
        samples[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"benchmark call failed: {(int)response.StatusCode}");
        }
    }

    Array.Sort(samples);
    return (samples[requests / 2], samples[(int)(requests * 0.99)]);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], inv) : fallback;
}
