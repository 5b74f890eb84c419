using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>Malformed and hostile requests each get a 4xx OpenAI error, and the server keeps serving.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private LoopbackBackend _backend = null!;
    private RunningRouter _router = null!;

    public static TheoryData<string, string, int> Bodies()
    {
        string Messages(int n) => "[" + string.Join(",", Enumerable.Repeat("""{"role":"user","content":"x"}""", n)) + "]";
        var data = new TheoryData<string, string, int>
        {
            { "empty body", "", 400 },
            { "whitespace", "   ", 400 },
            { "not json", "hello", 400 },
            { "truncated json", """{"model":"MoM","messages":[""", 400 },
            { "json array", "[]", 400 },
            { "json string", "\"model\"", 400 },
            { "json number", "42", 400 },
            { "json null", "null", 400 },
            { "missing model", """{"messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "model is a number", """{"model":5,"messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "model is empty", """{"model":"","messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "model is huge", "{\"model\":\"" + new string('m', 5000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400 },
            { "unknown model", """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "missing messages", """{"model":"MoM"}""", 400 },
            { "messages is an object", """{"model":"MoM","messages":{"role":"user"}}""", 400 },
            { "messages is empty", """{"model":"MoM","messages":[]}""", 400 },
            { "message is a string", """{"model":"MoM","messages":["hi"]}""", 400 },
            { "message without role", """{"model":"MoM","messages":[{"content":"hi"}]}""", 400 },
            { "role is a number", """{"model":"MoM","messages":[{"role":1,"content":"hi"}]}""", 400 },
            { "unknown role", """{"model":"MoM","messages":[{"role":"wizard","content":"hi"}]}""", 400 },
            { "user without content", """{"model":"MoM","messages":[{"role":"user"}]}""", 400 },
            { "content is a number", """{"model":"MoM","messages":[{"role":"user","content":7}]}""", 400 },
            { "content part without type", """{"model":"MoM","messages":[{"role":"user","content":[{"text":"hi"}]}]}""", 400 },
            { "text part without text", """{"model":"MoM","messages":[{"role":"user","content":[{"type":"text"}]}]}""", 400 },
            { "stream is a string", """{"model":"MoM","stream":"yes","messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "temperature is a string", """{"model":"MoM","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "max_tokens is a string", """{"model":"MoM","max_tokens":"lots","messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "tools is an object", """{"model":"MoM","tools":{},"messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "10,000 messages", "{\"model\":\"MoM\",\"messages\":" + Messages(10_000) + "}", 400 },
            { "deep nesting", "{\"model\":\"MoM\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x\":" + new string('[', 5000) + new string(']', 5000) + "}", 400 },
            { "duplicate-ish garbage after json", """{"model":"MoM","messages":[{"role":"user","content":"hi"}]} trailing""", 400 },
            { "single quotes", "{'model':'MoM'}", 400 },
            { "comments", """{"model":"MoM", /* c */ "messages":[{"role":"user","content":"hi"}]}""", 400 },
            { "10 MB body", "{\"model\":\"MoM\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 10 * 1024 * 1024) + "\"}]}", 413 },
        };
        return data;
    }

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

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_body_gets_an_openai_error_and_the_server_keeps_serving(string description, string body, int expectedStatus)
    {
        using var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(expectedStatus == (int)response.StatusCode, $"{description}: got {(int)response.StatusCode}");
        await AssertOpenAIErrorAsync(response);
        Assert.Equal(0, _backend.RequestCount);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Invalid_utf8_gets_a_400()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"model":"MoM","messages":[{"role":"user","content":"X"}]}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte without its continuation
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _router.Http.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertOpenAIErrorAsync(response);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Huge_header_gets_a_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(TestConfigs.Body("hi"), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-padding", new string('p', 100_000));
        using var response = await _router.Http.SendAsync(request);

        Assert.Equal((HttpStatusCode)431, response.StatusCode);
        await AssertOpenAIErrorAsync(response);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Declared_oversized_content_length_is_refused_before_reading()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_router.BaseAddress.Host, _router.BaseAddress.Port);
        await using var stream = client.GetStream();
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {500L * 1024 * 1024}\r\n\r\n{{";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer);
        var text = Encoding.ASCII.GetString(buffer, 0, n);

        Assert.StartsWith("HTTP/1.1 413", text);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unknown_route_is_a_404_and_wrong_method_a_405()
    {
        using var notFound = await _router.Http.GetAsync("/v1/completions/legacy");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await AssertOpenAIErrorAsync(notFound);

        using var wrongMethod = await _router.Http.GetAsync("/v1/chat/completions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        await AssertOpenAIErrorAsync(wrongMethod);
    }

    private static async Task AssertOpenAIErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(error["type"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(error["code"]!.GetValue<string>()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private async Task AssertStillServingAsync()
    {
        using var ok = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("still there?", "small"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
