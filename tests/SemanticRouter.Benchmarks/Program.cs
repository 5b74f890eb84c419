using System.Globalization;
using System.Text;
using SemanticRouter.Benchmarks;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Testing;

// Gateway overhead: keyword routing to a loopback backend vs calling that backend directly, in the
// same run, alternating direct and routed rounds so machine noise hits both sides alike.
// A minimal proxy (Kestrel + one upstream call, no parsing) runs in the same rounds as the floor any
// proxy pays for the second loopback hop, and a raw-socket proxy (the same without an HTTP client library)
// as the floor of the hop itself; the minimal proxy runs once more sending the headers the router must
// send (fixed values), the cost of that contract alone.
// Usage: dotnet run -c Release --project tests/SemanticRouter.Benchmarks -- [seconds-per-round] [rounds] [profile [direct|proxy|raw|router]|pipeline|keywords]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;

await using var backend = await LoopbackBackend.StartAsync("bench");
backend.RecordRequests = false;
var config = $$$"""
    version: v1
    providers:
      default_model: small
      models:
        - name: small
          provider_model_id: qwen3-8b
          backend_refs: [{name: a, base_url: "{{{backend.BaseUrl}}}"}]
        - name: large
          provider_model_id: big-model
          backend_refs: [{name: c, base_url: "{{{backend.BaseUrl}}}"}]
    routing:
      strategy: priority
      signals:
        keywords:
          - {name: math_terms, operator: OR, keywords: ["derivative", "integral", "theorem", "equation"], case_sensitive: false}
          - {name: code_terms, operator: OR, keywords: ["python", "compile", "stack trace"], case_sensitive: false}
      decisions:
        - name: math
          priority: 100
          rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
          modelRefs: [{model: large}, {model: small}]
          plugins:
            - {type: system_prompt, configuration: {system_prompt: "You are a math expert.", mode: insert}}
        - name: code
          priority: 90
          rules: {operator: AND, conditions: [{type: keyword, name: code_terms}]}
          modelRefs: [{model: large}]
        - name: default
          priority: 1
          rules: {operator: AND, conditions: []}
          modelRefs: [{model: small}]
    """;
await using var router = RouterApplication.Build(new RouterHostOptions { ConfigYaml = config, Urls = "http://127.0.0.1:0" });
await router.StartAsync();
var routerUrl = new Uri(RouterApplication.BoundAddress(router), "/v1/chat/completions");
var directUrl = new Uri(backend.BaseUrl + "/chat/completions");
await using var proxy = await MinimalProxy.StartAsync(directUrl);
await using var rawProxy = await RawSocketProxy.StartAsync(directUrl);
await using var headersProxy = await MinimalProxy.StartAsync(directUrl, routerHeaders: true);
const string RoutedBody = """{"model":"MoM","messages":[{"role":"user","content":"What is the derivative of x^2 times the integral of sin x? Please explain each step carefully so I can follow along."}]}""";
const string DirectBody = """{"model":"big-model","messages":[{"role":"system","content":"You are a math expert."},{"role":"user","content":"What is the derivative of x^2 times the integral of sin x? Please explain each step carefully so I can follow along."}]}""";

if (args.Length > 2 && args[2] == "keywords")
{
    Console.WriteLine(await KeywordScanRun.RunAsync(200_000));
    return 0;
}

if (args.Length > 2 && args[2] == "pipeline")
{
    Console.WriteLine(await PipelineRun.RunAsync(router.Services, RoutedBody, 200_000));
    return 0;
}

var results = new List<LoadResult>();
if (args.Length > 2 && args[2] == "profile")
{
    // For a profiler: warm up, then one path only at 64 connections (perf record -D <ms> ...); the router unless named.
    var path = args.Length > 3 ? args[3] : "router";
    var (url, body) = path switch
    {
        "direct" => (directUrl, DirectBody),
        "proxy" => (proxy.Url, DirectBody),
        "raw" => (rawProxy.Url, DirectBody),
        _ => (routerUrl, RoutedBody),
    };
    await LoadRun.RunAsync("warm-up", url, body, 64, TimeSpan.FromSeconds(10), TimeSpan.Zero);
    var only = await LoadRun.RunAsync(path, url, body, 64, TimeSpan.FromSeconds(seconds), TimeSpan.Zero);
    Console.WriteLine(FormattableString.Invariant($"{path} only, 64 connections: {only.Throughput:F0} req/s, {only.CpuMicrosPerRequest:F0} µs CPU/request"));
    return 0;
}

foreach (var concurrency in new[] { 1, 64 })
{
    for (var round = 0; round < rounds; round++)
    {
        var warm = TimeSpan.FromSeconds(round == 0 ? 2 : 0.5);
        results.Add(await LoadRun.RunAsync("direct", directUrl, DirectBody, concurrency, TimeSpan.FromSeconds(seconds), warm));
        results.Add(await LoadRun.RunAsync("minimal proxy", proxy.Url, DirectBody, concurrency, TimeSpan.FromSeconds(seconds), warm));
        results.Add(await LoadRun.RunAsync("raw-socket proxy", rawProxy.Url, DirectBody, concurrency, TimeSpan.FromSeconds(seconds), warm));
        results.Add(await LoadRun.RunAsync("minimal proxy + router headers", headersProxy.Url, DirectBody, concurrency, TimeSpan.FromSeconds(seconds), warm));
        results.Add(await LoadRun.RunAsync("router", routerUrl, RoutedBody, concurrency, TimeSpan.FromSeconds(seconds), warm));
    }
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Gateway benchmark ({Environment.ProcessorCount} cores, {seconds}s x {rounds} rounds per side, .NET {Environment.Version})");
report.AppendLine();
report.AppendLine("| concurrency | path | requests | errors | req/s | p50 ms | p99 ms | CPU µs/request (whole process) | bytes allocated/request (whole process) |");
report.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var group in results.GroupBy(r => (r.Concurrency, r.Name)))
{
    var rs = group.ToList();
    report.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Concurrency} | {group.Key.Name} | {rs.Sum(r => r.Requests)} | {rs.Sum(r => r.Errors)} | {rs.Sum(r => r.Requests) / rs.Sum(r => r.Seconds):F0} | {rs.Average(r => r.P50Ms):F3} | {rs.Average(r => r.P99Ms):F3} | {rs.Sum(r => r.CpuSeconds) * 1e6 / Math.Max(1, rs.Sum(r => r.Requests)):F0} | {rs.Sum(r => r.AllocatedBytes) / Math.Max(1, rs.Sum(r => r.Requests))} |");
}

LoadResult Avg(int c, string name)
{
    var rs = results.Where(r => r.Concurrency == c && r.Name == name).ToList();
    return new LoadResult(name, c, rs.Sum(r => r.Requests), rs.Sum(r => r.Errors), rs.Sum(r => r.Seconds), rs.Average(r => r.P50Ms), rs.Average(r => r.P99Ms), rs.Sum(r => r.CpuSeconds), rs.Sum(r => r.AllocatedBytes));
}

var d1 = Avg(1, "direct");
var r1 = Avg(1, "router");
var d64 = Avg(64, "direct");
var r64 = Avg(64, "router");
var p1 = Avg(1, "minimal proxy");
var p64 = Avg(64, "minimal proxy");
var s64 = Avg(64, "raw-socket proxy");
var h64 = Avg(64, "minimal proxy + router headers");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Added latency at concurrency 1: p50 +{r1.P50Ms - d1.P50Ms:F3} ms (ratio {r1.P50Ms / d1.P50Ms:F2}), p99 +{r1.P99Ms - d1.P99Ms:F3} ms (ratio {r1.P99Ms / d1.P99Ms:F2})");
report.AppendLine(CultureInfo.InvariantCulture, $"Throughput at concurrency 64: router/direct = {r64.Throughput / d64.Throughput:F2} ({r64.Throughput:F0} vs {d64.Throughput:F0} req/s); p50 ratio {r64.P50Ms / d64.P50Ms:F2}");
report.AppendLine(CultureInfo.InvariantCulture, $"Minimal proxy (Kestrel + one pooled upstream call, no parsing) in the same run: added p50 +{p1.P50Ms - d1.P50Ms:F3} ms at concurrency 1; throughput/direct at 64 = {p64.Throughput / d64.Throughput:F2}");
report.AppendLine(CultureInfo.InvariantCulture, $"Raw-socket proxy (Kestrel + hand-written HTTP/1.1 upstream, no HTTP client library) in the same run: throughput/direct at 64 = {s64.Throughput / d64.Throughput:F2}, CPU {s64.CpuMicrosPerRequest:F0} µs/request");
report.AppendLine(CultureInfo.InvariantCulture, $"Minimal proxy sending the router's response and upstream headers (fixed values): throughput/direct at 64 = {h64.Throughput / d64.Throughput:F2}, CPU {h64.CpuMicrosPerRequest:F0} µs/request ({h64.CpuMicrosPerRequest - p64.CpuMicrosPerRequest:F0} µs for the headers)");
report.AppendLine(CultureInfo.InvariantCulture, $"Router vs minimal proxy at 64: {r64.Throughput / p64.Throughput:F2} of its throughput; the router's own work adds p50 +{r1.P50Ms - p1.P50Ms:F3} ms at concurrency 1");
report.AppendLine(CultureInfo.InvariantCulture, $"CPU per request at 64 (client + proxy + backend, whole process): direct {d64.CpuMicrosPerRequest:F0} µs, minimal proxy {p64.CpuMicrosPerRequest:F0} µs, router {r64.CpuMicrosPerRequest:F0} µs; the router's own work costs {r64.CpuMicrosPerRequest - p64.CpuMicrosPerRequest:F0} µs of CPU per request over the minimal proxy");
report.AppendLine(CultureInfo.InvariantCulture, $"Allocated per request at 64 (whole process): direct {d64.BytesPerRequest} B, minimal proxy {p64.BytesPerRequest} B, router {r64.BytesPerRequest} B; the router allocates {r64.BytesPerRequest - p64.BytesPerRequest} B per request more than the minimal proxy");
report.AppendLine(await PipelineRun.RunAsync(router.Services, RoutedBody, 200_000));
Console.WriteLine(report.ToString());
await router.StopAsync();
return 0;
