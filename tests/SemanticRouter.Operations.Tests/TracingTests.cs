using System.Net;
using System.Text;
using SemanticRouter.Functions.Operations.Tracing;

namespace SemanticRouter.Operations.Tests;

public sealed class TracingTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    [Fact]
    public async Task With_tracing_on_spans_are_exported_over_OTLP_and_the_backend_joins_the_callers_trace()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl, $$"""
              services:
                observability:
                  tracing: {enabled: true, sampling_ratio: 1.0, otlp_protocol: http/protobuf, otlp_endpoint: "{{receiver.TracesEndpoint}}"}
            """));

        var response = await router.ChatAsync("what is the integral of x", headers: new Dictionary<string, string> { ["traceparent"] = $"00-{TraceId}-{ClientSpanId}-01" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var upstream = Assert.Single(backend.Requests).Headers;
        var parts = upstream["traceparent"].Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(TraceId, parts[1]);
        Assert.NotEqual(ClientSpanId, parts[2]);
        Assert.Equal("01", parts[3]);

        Assert.True(router.Services.GetRequiredService<TracingService>().ForceFlush());
        Assert.NotEmpty(receiver.Exports);
        Assert.All(receiver.Exports, e => Assert.Equal("application/x-protobuf", e.ContentType));
        Assert.True(receiver.Received(Convert.FromHexString(TraceId)), "the exported spans carry the caller's trace id");
        Assert.True(receiver.Received(Convert.FromHexString(parts[2])), "the upstream span's id is the parent the backend saw");
        foreach (var span in new[] { "router.chat_completions", "router.signal", "router.decision", "router.plugin", "router.upstream" })
        {
            Assert.True(receiver.Received(Encoding.UTF8.GetBytes(span)), $"span {span} exported");
        }

        Assert.False(receiver.Received("integral"u8), "prompt text never goes into spans");
    }

    [Fact]
    public async Task With_tracing_off_the_callers_trace_stays_intact_upstream()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        var traceparent = $"00-{TraceId}-{ClientSpanId}-01";
        var response = await router.ChatAsync("hello", headers: new Dictionary<string, string> { ["traceparent"] = traceparent, ["tracestate"] = "vendor=1" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(backend.Requests).Headers;

        // Unchanged, or re-parented under a span the host created (ASP.NET Core's request activity,
        // present whenever anything in the process listens); either way the caller's trace continues.
        var parts = upstream["traceparent"].Split('-');
        Assert.Equal(["00", TraceId], parts[..2]);
        Assert.Equal("01", parts[3]);
        Assert.Equal("vendor=1", upstream["tracestate"]);
        Assert.False(router.Services.GetRequiredService<TracingService>().Enabled);
    }
}
