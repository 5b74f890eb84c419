using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Client mistakes on <c>/v1/responses</c> are 400s (404 for an unknown id) in the OpenAI error format, naming the
/// parameter, and never reach a backend; nothing a client sends makes a 500.
/// </summary>
public sealed class ResponsesApiErrorTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _backend = await LoopbackBackend.StartAsync("a");
        _router = await RunningRouter.StartAsync(TestConfigs.TwoModels(_backend.BaseUrl, _backend.BaseUrl, _backend.BaseUrl, "  router: {auto_model_names: [MoM], max_messages: 4}").Replace("global:\n  router: {auto_model_names: [MoM, auto]}\n", "global:\n", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("{", "invalid_json", null)]
    [InlineData("[]", "invalid_json", null)]
    [InlineData("""{"model":"MoM"}""", "invalid_request", "input")]
    [InlineData("""{"input":"hi"}""", "invalid_request", "model")]
    [InlineData("""{"model":"MoM","input":42}""", "invalid_request", "input")]
    [InlineData("""{"model":"MoM","input":[]}""", "invalid_request", "input")]
    [InlineData("""{"model":"MoM","input":[7]}""", "invalid_request", "input[0]")]
    [InlineData("""{"model":"MoM","input":[{"role":"robot","content":"x"}]}""", "invalid_request", "input[0].role")]
    [InlineData("""{"model":"MoM","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}""", "unsupported_content_type", "input[0].content[0].type")]
    [InlineData("""{"model":"MoM","input":[{"type":"computer_call","call_id":"c"}]}""", "unsupported_item_type", "input[0].type")]
    [InlineData("""{"model":"MoM","input":[{"type":"function_call","name":"f","arguments":"{}"}]}""", "invalid_request", "input[0].call_id")]
    [InlineData("""{"model":"MoM","input":"hi","tools":[{"type":"web_search"}]}""", "unsupported_tool_type", "tools[0].type")]
    [InlineData("""{"model":"MoM","input":"hi","temperature":3}""", "invalid_request", "temperature")]
    [InlineData("""{"model":"MoM","input":"hi","max_output_tokens":0}""", "invalid_request", "max_output_tokens")]
    [InlineData("""{"model":"MoM","input":"hi","reasoning":{"effort":"extreme"}}""", "invalid_request", "reasoning.effort")]
    [InlineData("""{"model":"MoM","input":"hi","stream":"yes"}""", "invalid_request", "stream")]
    [InlineData("""{"model":"MoM","input":"hi","background":true}""", "unsupported_parameter", "background")]
    [InlineData("""{"model":"MoM","input":"hi","frobnicate":1}""", "unknown_parameter", "frobnicate")]
    [InlineData("""{"model":"MoM","input":"hi","previous_response_id":"../etc"}""", "invalid_request", "previous_response_id")]
    [InlineData("""{"model":"MoM","input":"hi","previous_response_id":"resp_nope"}""", "previous_response_not_found", "previous_response_id")]
    [InlineData("""{"model":"MoM","input":["a","b","c","d","e"]}""", "invalid_request", "input[0]")]
    [InlineData("""{"model":"MoM","input":[{"role":"user","content":"1"},{"role":"user","content":"2"},{"role":"user","content":"3"},{"role":"user","content":"4"},{"role":"user","content":"5"}]}""", "invalid_request", "input")]
    [InlineData("""{"model":"gpt-unknown","input":"hi"}""", "model_not_found", "model")]
    public async Task Malformed_requests_are_400s_in_the_openai_error_format(string body, string code, string? param)
    {
        using var response = await _router.Http.PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal(param, (string?)error["param"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.Empty(_backend.Requests);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task An_unknown_response_id_is_a_404_and_a_malformed_one_a_400(string method)
    {
        using var unknown = await _router.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v1/responses/resp_0123456789abcdef"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("resp_0123456789abcdef", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]!["message"], StringComparison.Ordinal);

        using var malformed = await _router.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v1/responses/chatcmpl-1"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("id", (string?)JsonNode.Parse(await malformed.Content.ReadAsStringAsync())!["error"]!["param"]);
    }

    [Fact]
    public async Task Wrong_methods_are_405s()
    {
        using var get = await _router.Http.GetAsync("/v1/responses");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        using var post = await _router.Http.PostAsync("/v1/responses/resp_abc", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task A_backend_failure_keeps_the_pipeline_status_and_error_format()
    {
        _backend.Behavior = BackendBehavior.ServerError;
        try
        {
            using var response = await _router.Http.PostAsync("/v1/responses", new StringContent("""{"model":"small","input":"hi"}""", Encoding.UTF8, "application/json"));
            Assert.True((int)response.StatusCode >= 500, response.StatusCode.ToString());
            Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        }
        finally
        {
            _backend.Behavior = BackendBehavior.Ok;
        }
    }
}
