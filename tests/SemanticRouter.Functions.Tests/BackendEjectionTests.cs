using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SemanticRouter.Testing;
using Xunit.Abstractions;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Passive outlier ejection and active health checks against real loopback backends that hang, fail or report
/// themselves sick (<c>providers.models[].reliability</c>).
/// </summary>
public sealed class BackendEjectionTests(ITestOutputHelper output)
{
    // Long enough first-byte budget that a healthy loopback backend answers within it on a loaded CI machine (0.5 s was
    // not: a healthy retry timed out once under a full suite), short enough that a hanging backend costs little.
    private const string FastBudget = "  upstream: {request_timeout_seconds: 10, first_byte_timeout_seconds: 2, max_attempts: 6}";

    [Fact]
    public async Task A_hanging_backend_is_ejected_and_later_requests_stop_paying_its_timeout()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.Hang);
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");
        await using var router = await RunningRouter.StartAsync(WithReliability(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget), "{consecutive_5xx: 2, base_ejection_time: 60s}"));

        var slow = new List<TimeSpan>();
        var attemptsAfterEjection = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b answered qwen3-8b", await ContentAsync(response));
            var attempts = response.Headers.GetValues("x-vsr-upstream-attempts").Single();
            if (attempts.Contains("small/a:", StringComparison.Ordinal))
            {
                slow.Add(watch.Elapsed);
            }
            else if (a.RequestCount >= 2)
            {
                attemptsAfterEjection.Add(attempts);
            }
        }

        // a (weight 3 of 4) is picked first by most requests; without ejection about 18 of 24 would wait 2 s for it.
        // With consecutive_5xx: 2 it costs exactly two timeouts, then no request tries it again.
        Assert.Equal(2, a.RequestCount);
        Assert.Equal(2, slow.Count);
        Assert.All(attemptsAfterEjection, attempts => Assert.Matches("^small/b:200:\\d+ms$", attempts));
        output.WriteLine($"requests that paid a's timeout: {slow.Count} ({string.Join(", ", slow.Select(s => (int)s.TotalMilliseconds + " ms"))})");

        var ready = await ReadyAsync(router);
        Assert.Equal("ejected", (string?)ready["checks"]!["upstream"]!["progress"]!["small"]!["a"]!["state"]);
        Assert.Equal(1, (int?)ready["checks"]!["upstream"]!["progress"]!["small"]!["a"]!["ejections"]);
        Assert.NotNull(ready["checks"]!["upstream"]!["progress"]!["small"]!["a"]!["ejected_until"]);
        Assert.Equal("healthy", (string?)ready["checks"]!["upstream"]!["progress"]!["small"]!["b"]!["state"]);

        var metrics = await router.Http.GetStringAsync("/metrics");
        Assert.Equal(1, MetricValue(metrics, "llm_upstream_ejections_total", "model=\"small\"", "backend=\"a\"", "reason=\"consecutive_failures\""));
        Assert.Equal(0, MetricValue(metrics, "llm_upstream_backend_in_rotation", "model=\"small\"", "backend=\"a\""));
        Assert.Equal(1, MetricValue(metrics, "llm_upstream_backend_in_rotation", "model=\"small\"", "backend=\"b\""));
    }

    [Fact]
    public async Task The_last_backend_in_rotation_is_never_ejected()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.ServerError);
        await using var b = await LoopbackBackend.StartAsync("b", BackendBehavior.ServerError);
        await using var c = await LoopbackBackend.StartAsync("c");
        await using var router = await RunningRouter.StartAsync(WithReliability(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget), "{consecutive_5xx: 1, max_ejection_percent: 100, base_ejection_time: 60s}"));

        for (var i = 0; i < 6; i++)
        {
            using var failed = await PostAsync(router, TestConfigs.Body("hello", "small"));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        var progress = (await ReadyAsync(router))["checks"]!["upstream"]!["progress"]!["small"]!;
        var states = new[] { (string?)progress["a"]!["state"], (string?)progress["b"]!["state"] };
        Assert.Single(states, s => s == "ejected");
        Assert.Single(states, s => s == "healthy");

        // The one left in rotation keeps taking every request, and answers once it recovers.
        var (kept, ejected) = states[0] == "healthy" ? (a, b) : (b, a);
        kept.Behavior = BackendBehavior.Ok;
        var ejectedCalls = ejected.RequestCount;
        for (var i = 0; i < 4; i++)
        {
            using var ok = await PostAsync(router, TestConfigs.Body("hello", "small"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal($"{kept.Name} answered qwen3-8b", await ContentAsync(ok));
        }

        Assert.Equal(ejectedCalls, ejected.RequestCount);
    }

    [Fact]
    public async Task An_ejected_backend_returns_after_the_ejection_time()
    {
        await using var a = await LoopbackBackend.StartAsync("a");
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");

        // b is a zero-weight standby, so a takes every first attempt while it is in rotation.
        var config = TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, "  upstream: {request_timeout_seconds: 20, first_byte_timeout_seconds: 5, max_attempts: 6}").Replace("weight: 1}", "weight: 0}", StringComparison.Ordinal);
        await using var router = await RunningRouter.StartAsync(WithReliability(config, "{consecutive_5xx: 2, base_ejection_time: 300ms}"));
        a.FailNext = 2;

        for (var i = 0; i < 2; i++)
        {
            using var failedOver = await PostAsync(router, TestConfigs.Body("hello", "small"));
            Assert.Equal("b answered qwen3-8b", await ContentAsync(failedOver));
        }

        using (var whileEjected = await PostAsync(router, TestConfigs.Body("hello", "small")))
        {
            Assert.Equal("small/b:200", Regex.Replace(whileEjected.Headers.GetValues("x-vsr-upstream-attempts").Single(), ":\\d+ms$", string.Empty));
        }

        // Well past the 300 ms ejection: a takes first attempts again.
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        using var back = await PostAsync(router, TestConfigs.Body("hello", "small"));
        Assert.Equal("a answered qwen3-8b", await ContentAsync(back));
    }

    [Fact]
    public async Task A_backend_failing_its_health_check_leaves_rotation_until_a_check_passes()
    {
        await using var a = await LoopbackBackend.StartAsync("a");
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");
        a.HealthStatus = 503;
        var reliability = "{health_check_path: /health, health_check_interval: 200ms, health_check_timeout: 1s}";
        await using var router = await RunningRouter.StartAsync(WithReliability(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget), reliability));

        await WaitForAsync(router, "unhealthy");
        for (var i = 0; i < 10; i++)
        {
            using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));
            Assert.Equal("b answered qwen3-8b", await ContentAsync(response));
        }

        Assert.Equal(0, a.RequestCount);
        Assert.True(b.HealthChecks > 0, "every backend of the model is probed");

        a.HealthStatus = 200;
        await WaitForAsync(router, "healthy");
        var answeredByA = 0;
        for (var i = 0; i < 20 && answeredByA == 0; i++)
        {
            using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));
            answeredByA += await ContentAsync(response) == "a answered qwen3-8b" ? 1 : 0;
        }

        Assert.Equal(1, answeredByA);
    }

    [Fact]
    public async Task Retry_on_without_timeouts_gives_up_after_a_hanging_try()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.Hang);
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");
        var config = TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget).Replace("weight: 1}", "weight: 0}", StringComparison.Ordinal);
        await using var router = await RunningRouter.StartAsync(WithReliability(config, "{retry_on: \"connect-failure,refused-stream\"}"));

        using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(1, a.RequestCount);
        Assert.Equal(0, b.RequestCount);
    }

    [Fact]
    public async Task Retry_count_bounds_the_tries_on_a_model()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.ServerError);
        await using var b = await LoopbackBackend.StartAsync("b", BackendBehavior.ServerError);
        await using var c = await LoopbackBackend.StartAsync("c");
        await using var router = await RunningRouter.StartAsync(WithReliability(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget), "{retry_count: 3, consecutive_5xx: 0}"));

        using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(4, a.RequestCount + b.RequestCount);
        Assert.True(a.RequestCount == 2 && b.RequestCount == 2, $"a {a.RequestCount}, b {b.RequestCount}: the tries cycle through the backends");
    }

    /// <summary>Adds a <c>reliability</c> block to the <c>small</c> model of <see cref="TestConfigs.TwoModels"/>.</summary>
    private static string WithReliability(string config, string reliability)
    {
        const string Anchor = "provider_model_id: qwen3-8b\n";
        Assert.Contains(Anchor, config, StringComparison.Ordinal);
        return config.Replace(Anchor, Anchor + "      reliability: " + reliability + "\n", StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(RunningRouter router, string state)
    {
        var deadline = Stopwatch.StartNew();
        while ((string?)(await ReadyAsync(router))["checks"]!["upstream"]!["progress"]!["small"]!["a"]!["state"] != state)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"a never became {state}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonNode> ReadyAsync(RunningRouter router) =>
        JsonNode.Parse(await router.Http.GetStringAsync("/ready"))!;

    /// <summary>The value of the one Prometheus sample of <paramref name="name"/> carrying every given label.</summary>
    private static double MetricValue(string exposition, string name, params string[] labels)
    {
        var line = exposition.Split('\n').Single(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<HttpResponseMessage> PostAsync(RunningRouter router, string body) =>
        router.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers = { { "x-vsr-debug", "true" } },
        });

    private static async Task<string> ContentAsync(HttpResponseMessage response) =>
        (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!;
}
