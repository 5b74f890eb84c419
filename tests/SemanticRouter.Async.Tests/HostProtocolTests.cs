using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Async.Queues;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Testing;

namespace SemanticRouter.Async.Tests;

/// <summary>
/// The router as a Functions custom handler: queue-trigger invocations POSTed exactly as the host
/// sends them (reference §1.6: Data value JSON-encoded twice, DequeueCount and Id as strings).
/// Pollers are off, as under the host.
/// </summary>
public sealed class HostProtocolTests(AzuriteServer azurite) : AzuriteTest(azurite)
{
    private static readonly Dictionary<string, string> NoPollers = new() { ["QUEUE_POLLERS"] = "false" };

    [Theory]
    [InlineData("double-encoded")]
    [InlineData("single-encoded")]
    [InlineData("object")]
    public async Task Audit_invocation_in_each_encoding_returns_the_documented_response_and_stores_the_result(string encoding)
    {
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), Azurite, NoPollers);
        var requestId = "req-host-" + Guid.NewGuid().ToString("N");
        var message = AuditMessageJson(requestId);
        JsonNode data = encoding switch
        {
            "double-encoded" => JsonValue.Create(JsonSerializer.Serialize(message))!,
            "single-encoded" => JsonValue.Create(message)!,
            _ => JsonNode.Parse(message)!,
        };

        using var response = await InvokeAsync(router, "HalugateAudit", data, dequeueCount: "1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Empty(body["Outputs"]!.AsObject());
        Assert.Single(body["Logs"]!.AsArray());
        Assert.True(body.ContainsKey("ReturnValue"));
        Assert.Null(body["ReturnValue"]);

        using var audit = await router.Http.GetAsync($"/api/v1/audits/{requestId}");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        var result = JsonNode.Parse(await audit.Content.ReadAsStringAsync())!;
        Assert.Equal("324 m", Assert.Single(result["spans"]!.AsArray())!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redelivered_feedback_invocation_is_counted_once()
    {
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), Azurite, NoPollers);
        var decision = "d-" + Guid.NewGuid().ToString("N")[..8];
        var message = $$"""{"version":1,"feedback_id":"{{Guid.NewGuid():N}}","request_id":"r1","rating":"4","model":"small","decision":"{{decision}}","timestamp":"2026-11-21T14:19:25+00:00"}""";

        using (var first = await InvokeAsync(router, "FeedbackIngest", JsonValue.Create(JsonSerializer.Serialize(message))!, "1"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var again = await InvokeAsync(router, "FeedbackIngest", JsonValue.Create(JsonSerializer.Serialize(message))!, "2"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var ratings = JsonNode.Parse(await router.Http.GetStringAsync("/api/v1/ratings"))!["ratings"]!.AsArray();
        var pair = ratings.Single(r => r!["decision"]!.GetValue<string>() == decision)!;
        Assert.Equal(1, pair["count"]!.GetValue<int>());
        Assert.Equal(1, pair["stars"]![3]!.GetValue<int>());
    }

    [Fact]
    public async Task Malformed_message_is_moved_to_poison_with_a_2xx_so_the_host_does_not_retry_it()
    {
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), Azurite, NoPollers);
        var marker = "not json " + Guid.NewGuid().ToString("N");

        using var response = await InvokeAsync(router, "FeedbackIngest", JsonValue.Create(JsonSerializer.Serialize(marker))!, "1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("feedback-poison", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(Azurite.ConnectionString));
        var poisoned = await account.GetQueueClient(QueueNames.Poison(QueueNames.Feedback)).PeekAsync(32);
        Assert.Contains(poisoned, m => m.Text == marker);
    }

    [Fact]
    public async Task Unreadable_invocation_payload_is_a_non_2xx()
    {
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), Azurite, NoPollers);

        using var noData = await router.Http.PostAsync("/HalugateAudit", new StringContent("""{"Metadata":{"DequeueCount":"1"}}""", Encoding.UTF8, "application/json"));
        using var notJson = await router.Http.PostAsync("/FeedbackIngest", new StringContent("{", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, noData.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Storage_failure_during_handling_is_a_500_so_the_host_retries()
    {
        // Storage that refuses connections: the ratings write cannot succeed.
        var closed = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:{FreePort.Next()}/{AzuriteServer.AccountName};QueueEndpoint=http://127.0.0.1:{FreePort.Next()}/{AzuriteServer.AccountName};";
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), null, new Dictionary<string, string> { ["QUEUE_POLLERS"] = "false", ["AzureWebJobsStorage"] = closed });
        var message = $$"""{"version":1,"feedback_id":"{{Guid.NewGuid():N}}","rating":"up","model":"small","decision":"chat"}""";

        using var response = await InvokeAsync(router, "FeedbackIngest", JsonValue.Create(JsonSerializer.Serialize(message))!, "3");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Audit_result_is_served_to_the_HTTP_invocation_payload_with_the_id_from_its_Params()
    {
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(new Uri("http://127.0.0.1:9/v1")), Azurite, NoPollers);
        var requestId = "req-get-" + Guid.NewGuid().ToString("N");
        using (var audited = await InvokeAsync(router, "HalugateAudit", JsonValue.Create(JsonSerializer.Serialize(AuditMessageJson(requestId)))!, dequeueCount: "1"))
        {
            Assert.Equal(HttpStatusCode.OK, audited.StatusCode);
        }

        // Reference §1.6: a non-forwarded HTTP trigger arrives at POST /<FunctionName> as Data.req, route parameters in Params.
        var found = await HttpInvocationAsync(router, "Audit", $"/api/v1/audits/{requestId}", new JsonObject { ["id"] = requestId });
        Assert.Equal(200, found["statusCode"]!.GetValue<int>());
        var result = JsonNode.Parse(found["body"]!.GetValue<string>())!;
        Assert.Equal(requestId, result["request_id"]!.GetValue<string>());
        Assert.Equal("the answer says 324 m; the context says 330 m", Assert.Single(result["spans"]!.AsArray())!["explanation"]!.GetValue<string>());

        var missing = await HttpInvocationAsync(router, "Audit", "/api/v1/audits/req-never", new JsonObject { ["id"] = "req-never" });
        Assert.Equal(404, missing["statusCode"]!.GetValue<int>());

        var noParams = await HttpInvocationAsync(router, "Audit", $"/api/v1/audits/{requestId}", new JsonObject());
        Assert.Equal(400, noParams["statusCode"]!.GetValue<int>());

        var badId = await HttpInvocationAsync(router, "Audit", "/api/v1/audits/x", new JsonObject { ["id"] = "../ratings" });
        Assert.Equal(400, badId["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_chat_completion_in_an_invocation_payload_is_remembered_for_feedback_attribution()
    {
        await using var backend = await LoopbackBackend.StartAsync();
        await using var router = await RouterUnderTest.StartAsync(TestConfigs.Router(backend.BaseUrl), Azurite, NoPollers);
        var requestId = "req-invoked-" + Guid.NewGuid().ToString("N");

        var answer = await HttpInvocationAsync(
            router,
            "ChatCompletions",
            "/v1/chat/completions",
            new JsonObject(),
            method: "POST",
            headers: new JsonObject { ["Content-Type"] = new JsonArray("application/json"), ["x-request-id"] = new JsonArray(requestId) },
            body: """{"model":"MoM","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(200, answer["statusCode"]!.GetValue<int>());
        var model = answer["headers"]!["x-vsr-selected-model"]!.GetValue<string>();
        Assert.True(router.Services.GetRequiredService<IRequestAttributions>().TryGet(requestId, out var attribution));
        Assert.Equal(model, attribution.Model);
    }

    /// <summary>POSTs an HTTP-trigger invocation shaped like the host's (Data.req with Url, Method, Query, Headers, Params, Identities, Body) and returns Outputs.res.</summary>
    private static async Task<JsonNode> HttpInvocationAsync(RouterUnderTest router, string function, string path, JsonObject routeParams, string method = "GET", JsonObject? headers = null, string body = "")
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = "https://myapp.azurewebsites.net" + path,
                    ["Method"] = method,
                    ["Query"] = new JsonObject(),
                    ["Headers"] = headers ?? new JsonObject { ["Accept"] = new JsonArray("application/json"), ["User-Agent"] = new JsonArray("curl/8.5.0") },
                    ["Params"] = routeParams,
                    ["Identities"] = new JsonArray(),
                    ["Body"] = body,
                },
            },
            ["Metadata"] = new JsonObject(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        using var response = await router.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Outputs"]!["res"]!;
    }

    internal static string AuditMessageJson(string requestId) => JsonSerializer.Serialize(new JsonObject
    {
        ["version"] = 1,
        ["request_id"] = requestId,
        ["context"] = TestConfigs.EiffelContext,
        ["question"] = "How tall is the Eiffel Tower?",
        ["answer"] = TestConfigs.EiffelAnswer,
        ["model"] = "large",
        ["decision"] = "grounded",
        ["timestamp"] = "2026-11-21T14:19:25+00:00",
    });

    /// <summary>POSTs a queue-trigger invocation shaped like the host's (Newtonsoft conversion rules of §1.6).</summary>
    private static async Task<HttpResponseMessage> InvokeAsync(RouterUnderTest router, string function, JsonNode data, string dequeueCount)
    {
        var id = Guid.NewGuid().ToString();
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = data },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = dequeueCount,
                ["ExpirationTime"] = "2026-11-28T14:19:25+00:00",
                ["Id"] = JsonSerializer.Serialize(id),
                ["InsertionTime"] = "2026-11-21T14:19:25+00:00",
                ["NextVisibleTime"] = "2026-11-21T14:19:55+00:00",
                ["PopReceipt"] = JsonSerializer.Serialize("MjFOb3YyMDI2MTQ6MTk6MjU="),
                ["sys"] = new JsonObject { ["MethodName"] = function, ["UtcNow"] = "2026-11-21T14:19:25.1234567Z", ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1040.300.0");
        return await router.Http.SendAsync(request);
    }
}
