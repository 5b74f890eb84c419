using System.Diagnostics;
using System.Text;
using SemanticRouter.Functions.Demo;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Cache.Benchmarks;

/// <summary>
/// Cache-hit latency through the whole router (HTTP in, parse, route, key, lookup, replay, HTTP
/// out) against the in-run baseline of calling the loopback demo backend directly with the same
/// body. Both use one keep-alive HttpClient, sequential requests, after a warm-up.
/// </summary>
internal static class EndToEndBenchmark
{
    private const int Requests = 3000;

    public static async Task RunAsync()
    {
        await using var backend = await DemoBackend.StartAsync();
        var yaml = $$$"""
            version: v1
            providers:
              default_model: small
              models:
                - name: small
                  provider_model_id: small-8b
                  backend_refs: [{name: demo, base_url: "{{{backend.BaseUrl}}}", weight: 1}]
            routing:
              decisions:
                - name: faq
                  priority: 1
                  rules: {operator: AND, conditions: []}
                  modelRefs: [{model: small}]
                  plugins:
                    - {type: response_cache, configuration: {mode: exact_then_semantic}}
            global:
              router: {auto_model_names: [MoM]}
              stores:
                response_cache: {backend_type: memory, embedding_model: hashing-ngram-512-v1}
            """;
        var app = RouterApplication.Build(new RouterHostOptions { ConfigYaml = yaml, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            var router = RouterApplication.BoundAddress(app);
            using var http = new HttpClient();
            var cached = Body("MoM", "What is the capital of France?");
            var paraphrase = Body("MoM", "what's the capital of France");
            var direct = Body("small-8b", "What is the capital of France?");

            await SendAsync(http, new Uri(router, "/v1/chat/completions"), cached);
            var exactHit = await MeasureAsync(http, new Uri(router, "/v1/chat/completions"), cached, expectHit: true);
            var semanticHit = await MeasureAsync(http, new Uri(router, "/v1/chat/completions"), paraphrase, expectHit: true);
            var baseline = await MeasureAsync(http, new Uri(backend.BaseUrl + "/chat/completions"), direct, expectHit: false);

            Console.WriteLine($"# end-to-end ({Requests} sequential requests each, {Environment.ProcessorCount} cores)");
            Console.WriteLine("| path | p50 (ms) | p90 (ms) | p99 (ms) | p50 vs baseline |");
            Console.WriteLine("|---|---|---|---|---|");
            Row("baseline: direct call to loopback backend", baseline, baseline);
            Row("router, exact cache hit", exactHit, baseline);
            Row("router, semantic cache hit (exact miss + embed + search)", semanticHit, baseline);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static void Row(string name, List<double> ms, List<double> baseline) =>
        Console.WriteLine($"| {name} | {Stats.Percentile(ms, 50):0.000} | {Stats.Percentile(ms, 90):0.000} | {Stats.Percentile(ms, 99):0.000} | {Stats.Percentile(ms, 50) / Stats.Percentile(baseline, 50):0.00}x |");

    private static async Task<List<double>> MeasureAsync(HttpClient http, Uri url, string body, bool expectHit)
    {
        for (var i = 0; i < 300; i++)
        {
            await SendAsync(http, url, body);
        }

        var samples = new List<double>(Requests);
        for (var i = 0; i < Requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var hit = await SendAsync(http, url, body);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (expectHit && !hit)
            {
                throw new InvalidOperationException("expected a cache hit; the benchmark would measure the wrong path");
            }
        }

        return samples;
    }

    private static async Task<bool> SendAsync(HttpClient http, Uri url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues("x-vsr-cache-hit", out var v) && v.Contains("true");
    }

    private static string Body(string model, string text) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]}""";
}
