using System.Diagnostics;
using System.Net;
using System.Text;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>Real loopback backends that refuse, fail, hang or break mid-stream; the router fails over within its budget.</summary>
public sealed class UpstreamFailoverTests
{
    private const string FastBudget = "  upstream: {request_timeout_seconds: 3, first_byte_timeout_seconds: 0.5, max_attempts: 6}";

    [Fact]
    public async Task Refused_connection_fails_over_to_the_models_other_backend()
    {
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");
        var refused = new Uri($"http://127.0.0.1:{FreePort.Next()}/v1");
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(refused, b.BaseUrl, c.BaseUrl, FastBudget));

        for (var i = 0; i < 8; i++)
        {
            using var response = await PostAsync(router, TestConfigs.Body("hello", "small"), debug: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b answered qwen3-8b", await ContentAsync(response));
        }

        Assert.Equal(8, b.RequestCount);
    }

    [Fact]
    public async Task Server_errors_fail_over_in_order_backends_then_next_model()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.ServerError);
        await using var b = await LoopbackBackend.StartAsync("b", BackendBehavior.ServerError);
        await using var c = await LoopbackBackend.StartAsync("c", BackendBehavior.ServerError);
        var extra = "    - {name: small_first, priority: 200, rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}, modelRefs: [{model: small}, {model: large}]}";
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget, extra));
        c.Behavior = BackendBehavior.Ok;

        using var response = await PostAsync(router, TestConfigs.Body("integral of x"), debug: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("c answered big-model", await ContentAsync(response));
        Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.Equal("small_first", response.Headers.GetValues("x-vsr-selected-decision").Single());
        var attempts = response.Headers.GetValues("x-vsr-upstream-attempts").Single().Split(", ");
        Assert.Equal(3, attempts.Length);
        Assert.Matches("^small/[ab]:500:", attempts[0]);
        Assert.Matches("^small/[ab]:500:", attempts[1]);
        Assert.StartsWith("large/c:200", attempts[2]);
        Assert.Equal(1, a.RequestCount);
        Assert.Equal(1, b.RequestCount);
    }

    [Fact]
    public async Task Hanging_backend_times_out_and_the_next_backend_answers()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.Hang);
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var c = await LoopbackBackend.StartAsync("c");

        // b becomes a zero-weight standby, so the hanging a is always tried first.
        var config = TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, FastBudget).Replace("weight: 1}", "weight: 0}", StringComparison.Ordinal);
        await using var router = await RunningRouter.StartAsync(config);

        var watch = Stopwatch.StartNew();
        using var response = await PostAsync(router, TestConfigs.Body("hello", "small"), debug: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b answered qwen3-8b", await ContentAsync(response));
        Assert.Equal(1, a.RequestCount);
        Assert.Matches("^small/a:timeout:\\d+ms, small/b:200:", response.Headers.GetValues("x-vsr-upstream-attempts").Single());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.45), $"answered after {watch.Elapsed}, before the first-byte timeout");
    }

    [Fact]
    public async Task Every_backend_hanging_ends_in_504_within_the_time_budget()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.Hang);
        await using var b = await LoopbackBackend.StartAsync("b", BackendBehavior.Hang);
        await using var c = await LoopbackBackend.StartAsync("c", BackendBehavior.Hang);
        var budget = "  upstream: {request_timeout_seconds: 1.5, first_byte_timeout_seconds: 1, max_attempts: 10}";
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, c.BaseUrl, budget));

        var watch = Stopwatch.StartNew();
        using var response = await PostAsync(router, TestConfigs.Body("integral"));
        watch.Stop();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"upstream_error\"", body);
        Assert.Equal(1, c.RequestCount);
        // Without the budget a, b and c would each get their 1 s. With it the second attempt gets what is left
        // (0.5 s) and there is no third; on a loaded machine the first timer can fire so late that the budget
        // is gone before a second attempt starts, hence "at most one".
        Assert.InRange(a.RequestCount + b.RequestCount, 0, 1);

        // The budget (1.5 s) bounds the whole failover, not each attempt; leave slack for a loaded CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Every_backend_failing_is_a_502_in_openai_error_format()
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort.Next()}/v1");
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(dead, dead, dead, FastBudget).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));

        using var response = await PostAsync(router, TestConfigs.Body("integral"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"upstream_unavailable\"", body);
        Assert.Contains("connect_error", body);
    }

    [Fact]
    public async Task Backend_dropping_the_connection_mid_stream_ends_the_client_stream_with_an_error_event()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.DropMidStream);
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, a.BaseUrl, a.BaseUrl, FastBudget).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));

        var watch = Stopwatch.StartNew();
        using var response = await PostAsync(router, TestConfigs.Body("hello", "small", stream: true));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("part0", body);
        Assert.Contains("part1", body);
        Assert.Contains("\"code\":\"upstream_stream_failed\"", body);
        Assert.DoesNotContain("[DONE]", body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Backend_stalling_mid_stream_ends_the_client_stream_after_the_idle_timeout()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.StallMidStream);
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, a.BaseUrl, a.BaseUrl, FastBudget).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));

        using var response = await PostAsync(router, TestConfigs.Body("hello", "small", stream: true));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("part0", body);
        Assert.Contains("\"code\":\"upstream_stream_timeout\"", body);
    }

    [Fact]
    public async Task Weighted_backends_share_traffic_by_weight()
    {
        await using var a = await LoopbackBackend.StartAsync("a");
        await using var b = await LoopbackBackend.StartAsync("b");
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, b.BaseUrl, b.BaseUrl));

        for (var i = 0; i < 400; i++)
        {
            using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Weights 3:1 → ~300 vs ~100; the bounds are > 6 standard deviations wide, so this does not flake.
        Assert.InRange(a.RequestCount, 250, 350);
        Assert.Equal(400, a.RequestCount + b.RequestCount);
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_upstream_call()
    {
        await using var a = await LoopbackBackend.StartAsync("a", BackendBehavior.StallMidStream);
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(a.BaseUrl, a.BaseUrl, a.BaseUrl).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));

        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(TestConfigs.Body("hi", "small", stream: true), Encoding.UTF8, "application/json") };
            using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[64];
            Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0);
        }

        // The backend's handler observes RequestAborted once the router drops the upstream connection.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (a.AbortedRequests.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Single(a.AbortedRequests);
    }

    [Fact]
    public async Task A_json_answer_whose_body_stalls_after_the_headers_ends_in_502_after_the_idle_timeout()
    {
        // A raw loopback server: headers and the first bytes of a declared 200-byte body, then silence.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var serverStop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(serverStop.Token);
            var buffer = new byte[64 * 1024];
            var received = 0;
            while (!Encoding.ASCII.GetString(buffer, 0, received).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                received += await socket.ReceiveAsync(buffer.AsMemory(received), serverStop.Token);
            }

            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"id\":\"chatcmpl-1\","), serverStop.Token);
            await Task.Delay(Timeout.Infinite, serverStop.Token);
        });
        var stalling = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1");
        // A first-byte (and so idle) timeout of 2 s, not FastBudget's 0.5 s: under parallel test load the one-shot
        // server above can take longer than 0.5 s to send its headers, and that attempt would time out instead.
        var budget = "  upstream: {request_timeout_seconds: 8, first_byte_timeout_seconds: 2, max_attempts: 6}";
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(stalling, stalling, stalling, budget));

        var watch = Stopwatch.StartNew();
        using var response = await PostAsync(router, TestConfigs.Body("hello", "small"));

        // The choice is final once headers arrived: no failover (the server serves one connection only, so a
        // failover would end in 504), and the idle timeout (2 s) ends the wait.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_body_failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        await serverStop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
    }

    private static async Task<HttpResponseMessage> PostAsync(RunningRouter router, string body, bool debug = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (debug)
        {
            request.Headers.Add("x-vsr-debug", "true");
        }

        return await router.Http.SendAsync(request);
    }

    private static async Task<string> ContentAsync(HttpResponseMessage response)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return json["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
