using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// The app as the Azure Functions host drives it (reference §1): GET / answers for readiness,
/// POST /{FunctionName} with the host's JSON payload returns Outputs.res, and every function has a
/// function.json that matches its route and methods.
/// </summary>
public sealed class CustomHandlerProtocolTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _backend = await LoopbackBackend.StartAsync("a");
        _router = await RunningRouter.StartAsync(TestConfigs.TwoModels(_backend.BaseUrl, _backend.BaseUrl, _backend.BaseUrl).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Host_readiness_probe_on_root_gets_an_answer()
    {
        using var response = await _router.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Http_invocation_payload_routes_and_returns_the_http_output_binding()
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = "https://myapp.azurewebsites.net/v1/chat/completions",
                    ["Method"] = "POST",
                    ["Query"] = new JsonObject(),
                    ["Headers"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json"), ["x-vsr-debug"] = new JsonArray("true") },
                    ["Params"] = new JsonObject(),
                    ["Identities"] = new JsonArray(),
                    ["Body"] = TestConfigs.Body("what is an integral"),
                },
            },
            ["Metadata"] = new JsonObject(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ChatCompletions") { Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        using var response = await _router.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var res = result["Outputs"]!["res"]!;
        Assert.Equal(200, res["statusCode"]!.GetValue<int>());
        Assert.Equal("large", res["headers"]!["x-vsr-selected-model"]!.GetValue<string>());
        Assert.Equal("math_terms", res["headers"]!["x-vsr-matched-keywords"]!.GetValue<string>());
        var body = JsonNode.Parse(res["body"]!.GetValue<string>())!;
        Assert.Equal("a answered big-model", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.NotNull(result["Logs"]);
    }

    [Fact]
    public async Task Streaming_request_in_payload_mode_is_buffered_into_the_body()
    {
        var payload = $$$"""{"Data":{"req":{"Method":"POST","Headers":{},"Body":{{{JsonSerializer.Serialize(TestConfigs.Body("hi", "small", stream: true))}}}}},"Metadata":{}}""";
        using var response = await _router.Http.PostAsync("/ChatCompletions", new StringContent(payload, Encoding.UTF8, "application/json"));

        var res = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Outputs"]!["res"]!;
        Assert.Equal("text/event-stream", res["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.EndsWith("data: [DONE]\n\n", res["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_errors_inside_the_payload_are_http_outputs_not_invocation_failures()
    {
        var payload = """{"Data":{"req":{"Method":"POST","Headers":{},"Body":"{not json"}},"Metadata":{}}""";
        using var response = await _router.Http.PostAsync("/ChatCompletions", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var res = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Outputs"]!["res"]!;
        Assert.Equal(400, res["statusCode"]!.GetValue<int>());
        Assert.Equal("invalid_json", JsonNode.Parse(res["body"]!.GetValue<string>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_an_invocation_payload_fails_the_invocation()
    {
        using var response = await _router.Http.PostAsync("/ChatCompletions", new StringContent("""{"hello":"world"}""", Encoding.UTF8, "application/json"));
        Assert.False(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Health_function_over_the_payload_contract()
    {
        using var response = await _router.Http.PostAsync("/Health", new StringContent("""{"Data":{"req":{"Method":"GET","Headers":{}}},"Metadata":{}}""", Encoding.UTF8, "application/json"));
        var res = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Outputs"]!["res"]!;
        Assert.Equal(200, res["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public void Every_http_function_has_a_matching_function_json()
    {
        var functions = _router.Services.GetService(typeof(IEnumerable<IRouterFunction>)) as IEnumerable<IRouterFunction>;
        foreach (var f in functions!)
        {
            var path = Path.Combine(RepoPaths.Root, "functions", "definitions", f.Name, "function.json");
            Assert.True(File.Exists(path), $"missing {path}");
            var trigger = JsonNode.Parse(File.ReadAllText(path))!["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "httpTrigger")!;
            Assert.Equal(f.Route, trigger["route"]!.GetValue<string>());
            Assert.Equal(f.Methods.Select(m => m.ToLowerInvariant()).Order(), trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()).Order());
            if (f.IsManagement)
            {
                Assert.True(trigger["authLevel"]!.GetValue<string>() == "admin", $"{f.Name} is a management endpoint: its function.json needs authLevel admin");
            }
        }
    }

    [Fact]
    public void Host_json_declares_the_custom_handler_with_an_empty_route_prefix()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("SemanticRouter", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableProxyingHttpRequest"]!.GetValue<bool>());
    }
}
