using System.Text;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// With tracing off the router adds no trace context of its own upstream: ASP.NET Core's per-request hosting
/// Activity (which console logging would otherwise switch on) must not exist, so only a client's own
/// <c>traceparent</c> reaches the backend.
/// </summary>
public sealed class TraceContextPassThroughTests
{
    [Fact]
    public async Task Upstream_carries_only_the_clients_trace_context_when_tracing_is_off()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(TestConfigs.TwoModels(backend.BaseUrl, backend.BaseUrl, backend.BaseUrl));

        using (var plain = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("hello"), Encoding.UTF8, "application/json")))
        {
            plain.EnsureSuccessStatusCode();
        }

        const string ClientTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var traced = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(TestConfigs.Body("hello"), Encoding.UTF8, "application/json") };
        traced.Headers.TryAddWithoutValidation("traceparent", ClientTrace);
        using (var response = await router.Http.SendAsync(traced))
        {
            response.EnsureSuccessStatusCode();
        }

        var received = backend.Requests.ToArray();
        Assert.Equal(2, received.Length);
        Assert.False(received[0].Headers.ContainsKey("traceparent"), "the router invented a trace context: " + received[0].Headers.GetValueOrDefault("traceparent"));
        Assert.Equal(ClientTrace, received[1].Headers["traceparent"]);
    }
}
