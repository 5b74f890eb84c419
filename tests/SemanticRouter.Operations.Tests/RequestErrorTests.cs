using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>
/// Requests that end in an error, client mistakes and server failures alike, answer with an OpenAI error body and the
/// right status, and each is counted in <c>llm_request_errors_total</c> (read back through GET /metrics).
/// </summary>
public sealed class RequestErrorTests
{
    /// <summary>Valid UTF-8 that is not a request the router can read: each is a 400 with code invalid_json.</summary>
    public static TheoryData<string, string> MalformedJson() => new()
    {
        { "lone high surrogate", """{"model":"MODEL","messages":[{"role":"user","content":"a\ud800b"}]}""" },
        { "lone low surrogate", """{"model":"MODEL","messages":[{"role":"user","content":"a\udc00b"}]}""" },
        { "high surrogate at the end of a string", """{"model":"MODEL","messages":[{"role":"user","content":"ab\uD83D"}]}""" },
        { "surrogate in a property name", """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"x\ud800":1}""" },
        { "surrogate in an unread field", """{"model":"MODEL","messages":[{"role":"user","content":"hi"}],"metadata":{"k":"\udfff"}}""" },
        { "duplicate top-level key", """{"model":"MODEL","model":"large","messages":[{"role":"user","content":"hi"}]}""" },
        { "duplicate key in a message", """{"model":"MODEL","messages":[{"role":"user","role":"system","content":"hi"}]}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Malformed_json_is_a_counted_400_on_routed_pass_through_and_explain(string description, string template)
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        foreach (var (path, model) in new[] { ("/v1/chat/completions", "MoM"), ("/v1/chat/completions", "small"), ("/api/v1/explain", "MoM") })
        {
            using var response = await router.Http.PostAsync(path, new StringContent(template.Replace("MODEL", model, StringComparison.Ordinal), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{description} on {path} ({model}): {(int)response.StatusCode} {text}");
            var error = JsonNode.Parse(text)!["error"]!;
            Assert.Equal("invalid_request_error", (string?)error["type"]);
            Assert.Equal("invalid_json", (string?)error["code"]);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        }

        Assert.Equal(0, backend.RequestCount);
        var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(2, metrics.Value("llm_request_errors_total", ("model", "none"), ("reason", "invalid_json")));
    }

    [Fact]
    public async Task A_number_no_double_can_hold_is_a_400_naming_the_field()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        using var response = await router.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"MoM","temperature":1e400,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("temperature", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]);
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task Valid_json_edge_cases_are_forwarded_unchanged()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        // An escaped NUL, a surrogate pair written as escapes, a backslash-u that is text, and an integer too long for a long.
        const string Body = """{"model":"MoM","max_tokens":123456789012345678901234567890,"messages":[{"role":"user","content":"a\u0000b \ud83d\ude00 \\ud800"}]}""";
        using var response = await router.Http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = backend.Requests.Single().Json;
        Assert.Equal("a\0b \U0001F600 \\ud800", (string?)forwarded["messages"]![0]!["content"]);
        Assert.Contains("123456789012345678901234567890", backend.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_failure_answers_500_internal_error_and_is_counted()
    {
        // A domain signal whose model folder is empty: classifying fails inside the router, a server-side failure.
        var empty = Directory.CreateTempSubdirectory("sr-missing-models-").FullName;
        try
        {
            await using var backend = await UsageBackend.StartAsync();
            var yaml = Configs.Router(backend.BaseUrl, backend.BaseUrl)
                .Replace("    keywords:\n", "    domains:\n      - {name: math}\n    keywords:\n", StringComparison.Ordinal)
                .Replace("conditions: [{type: keyword, name: math_terms}]", "conditions: [{type: domain, name: math}]", StringComparison.Ordinal);
            await using var router = await RouterHost.StartAsync(yaml, configure: services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = empty }));

            var response = await router.ChatAsync("what is the derivative of x^2");
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{(int)response.StatusCode} {text}");
            Assert.Equal("internal_error", (string?)JsonNode.Parse(text)!["error"]!["code"]);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
            Assert.Equal(1, metrics.Value("llm_request_errors_total", ("model", "none"), ("reason", "internal_error")));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Requests_the_messages_and_responses_parsers_refuse_are_counted_and_carry_the_request_id()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));

        var refused = new (string Path, string Body, string Code)[]
        {
            ("/v1/messages", "{", "invalid_json"),
            ("/v1/messages", """{"model":"MoM","max_tokens":10}""", "invalid_request"),
            ("/v1/responses", "{", "invalid_json"),
            ("/v1/responses", """{"model":"MoM"}""", "invalid_request"),
        };
        foreach (var (path, body, _) in refused)
        {
            // With the client's own id (echoed back) and without one (the router makes one).
            foreach (var clientId in new[] { "client-id-1", null })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (clientId is not null)
                {
                    request.Headers.TryAddWithoutValidation("x-request-id", clientId);
                }

                using var response = await router.Http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body}: {(int)response.StatusCode} {text}");
                Assert.True(response.Headers.TryGetValues("x-request-id", out var ids), $"{path} {body}: no x-request-id");
                var id = Assert.Single(ids);
                if (clientId is not null)
                {
                    Assert.Equal(clientId, id);
                }
                else
                {
                    Assert.Matches("^[0-9a-f]{32}$", id);
                }
            }
        }

        Assert.Equal(0, backend.RequestCount);
        var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(4, metrics.Value("llm_request_errors_total", ("model", "none"), ("reason", "invalid_json")));
        Assert.Equal(4, metrics.Value("llm_request_errors_total", ("model", "none"), ("reason", "invalid_request")));
    }
}
