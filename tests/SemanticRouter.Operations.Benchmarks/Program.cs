using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SemanticRouter.Functions.Hosting;

// Observability overhead on the gateway path: the real router (RouterApplication) in front of a
// loopback backend, driven by concurrent HTTP clients. Modes run in alternating rounds (each round
// starts a fresh router, because ActivitySource listeners are process-wide) and are reported as
// throughput ratios against the "off" baseline of the same run.
// Usage: dotnet run -c Release --project tests/SemanticRouter.Operations.Benchmarks [requests-per-round] [concurrency] [rounds]
var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

// Per-request Information logs go to the console and would dominate; every mode runs with Warning.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

await using var backend = await Loopback.StartAsync(async http =>
{
    http.Response.ContentType = "application/json";
    await http.Response.WriteAsync("""{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""");
});
await using var collector = await Loopback.StartAsync(http => { http.Response.StatusCode = 200; return Task.CompletedTask; });

var modes = new (string Name, string Services)[]
{
    ("off", "  services:\n    observability: {metrics: {enabled: false}}"),
    ("metrics", "  services:\n    observability: {metrics: {enabled: true}}"),
    ("metrics+tracing", $"  services:\n    observability: {{metrics: {{enabled: true}}, tracing: {{enabled: true, sampling_ratio: 1.0, otlp_protocol: http/protobuf, otlp_endpoint: \"{collector.Url}/v1/traces\"}}}}"),
};

var results = modes.ToDictionary(m => m.Name, _ => new List<double>());
for (var round = 0; round <= rounds; round++)
{
    foreach (var (name, services) in round % 2 == 0 ? modes : modes.Reverse())
    {
        var rps = await RunAsync(Config(backend.Url, services), round == 0 ? requests / 4 : requests, concurrency);
        if (round > 0)
        {
            results[name].Add(rps); // round 0 is warm-up (JIT, connection pools)
        }
    }
}

var baseline = Median(results["off"]);
Console.WriteLine($"requests/round={requests} concurrency={concurrency} rounds={rounds} cores={Environment.ProcessorCount}");
Console.WriteLine("| mode | median req/s | ratio vs off |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, _) in modes)
{
    var m = Median(results[name]);
    Console.WriteLine($"| {name} | {m:F0} | {m / baseline:F3} |");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static string Config(string backend, string services) => $"""
    version: v1
    providers:
      default_model: small
      models:
        - name: small
          pricing: {"{"}currency: USD, prompt_per_1m: 1.0, completion_per_1m: 2.0{"}"}
          backend_refs: [{"{"}name: b, base_url: "{backend}/v1"{"}"}]
    routing:
      signals:
        keywords:
          - {"{"}name: math_terms, operator: OR, keywords: ["derivative", "integral"]{"}"}
      decisions:
        - name: math
          priority: 100
          rules: {"{"}operator: AND, conditions: [{"{"}type: keyword, name: math_terms{"}"}]{"}"}
          modelRefs: [{"{"}model: small{"}"}]
          plugins:
            - {"{"}type: system_prompt, configuration: {"{"}system_prompt: "You are a math expert.", mode: insert{"}"}{"}"}
        - name: general
          priority: 1
          rules: {"{"}operator: AND, conditions: []{"}"}
          modelRefs: [{"{"}model: small{"}"}]
    global:
      router: {"{"}auto_model_names: [MoM]{"}"}
    {services}
    """;

static async Task<double> RunAsync(string yaml, int requests, int concurrency)
{
    var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0", Environment = _ => null });
    await app.StartAsync();
    try
    {
        using var client = new HttpClient { BaseAddress = RouterApplication.BoundAddress(app) };
        var body = Encoding.UTF8.GetBytes("""{"model":"MoM","messages":[{"role":"user","content":"what is the derivative of x^2?"}]}""");
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync("/v1/chat/completions", content);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"router answered {(int)response.StatusCode}");
                }

                await response.Content.ReadAsByteArrayAsync();
            }
        }));
        return requests / watch.Elapsed.TotalSeconds;
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>A minimal loopback HTTP server for the backend and the OTLP sink.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Loopback(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<Loopback> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new Loopback(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
