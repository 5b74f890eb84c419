using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>system_prompt modes, header_mutation on the upstream request, fast_response (JSON and SSE), Azure OpenAI backends.</summary>
public sealed class PluginBehaviourTests
{
    private const string Plugins = """
            - name: blocked
              priority: 500
              rules: {operator: OR, conditions: [{type: keyword, name: blocked_terms}]}
              plugins:
                - {type: fast_response, configuration: {message: "Request blocked by policy."}}
            - name: tagged
              priority: 400
              rules: {operator: AND, conditions: [{type: keyword, name: tag_terms}]}
              modelRefs: [{model: small}]
              plugins:
                - {type: header_mutation, configuration: {add: [{name: x-team, value: research}], update: [{name: x-tier, value: gold}], delete: [x-remove-me]}}
                - {type: system_prompt, configuration: {system_prompt: "Be terse.", mode: append}}
        """;

    private static string Config(Uri url) => TestConfigs.TwoModels(url, url, url).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal)
        .Replace("case_sensitive: false}", "case_sensitive: false}\n      - {name: blocked_terms, keywords: [forbidden]}\n      - {name: tag_terms, keywords: [tagme]}", StringComparison.Ordinal)
        .Replace("    - name: default\n", Plugins + "\n    - name: default\n", StringComparison.Ordinal);

    [Fact]
    public async Task Fast_response_answers_without_calling_a_backend_as_json_and_as_sse()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(Config(backend.BaseUrl));

        var result = await router.Chat("MoM").CompleteChatAsync([new UserChatMessage("this is forbidden")]);
        Assert.Equal("Request blocked by policy.", result.Value.Content[0].Text);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-vsr-response-path", out var path));
        Assert.Equal("fast_response", path);

        var streamed = new StringBuilder();
        await foreach (var update in router.Chat("MoM").CompleteChatStreamingAsync([new UserChatMessage("forbidden again")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.Equal("Request blocked by policy.", streamed.ToString());
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task Header_mutation_and_system_prompt_append_shape_the_upstream_request()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(Config(backend.BaseUrl));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"MoM","messages":[{"role":"system","content":"You are kind."},{"role":"user","content":"tagme please"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-remove-me", "client-value");
        using var response = await router.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(backend.Requests);
        Assert.Equal("research", received.Headers["x-team"]);
        Assert.Equal("gold", received.Headers["x-tier"]);
        Assert.False(received.Headers.ContainsKey("x-remove-me"));
        Assert.Equal("You are kind.\n\nBe terse.", received.Json["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Azure_openai_backend_gets_the_deployment_path_api_version_and_api_key_header()
    {
        await using var backend = await LoopbackBackend.StartAsync("azure");
        var config = $$$"""
            version: v1
            providers:
              default_model: gpt
              models:
                - name: gpt
                  provider_model_id: gpt-4o-prod
                  backend_refs:
                    - {name: aoai, base_url: "http://{{{backend.Authority}}}/openai", provider: azure-openai, api_version: "2024-10-21", api_key_env: AOAI_KEY}
            """;
        await using var router = await RunningRouter.StartAsync(new Hosting.RouterHostOptions { ConfigYaml = config, Environment = n => n == "AOAI_KEY" ? "secret-123" : null });

        using var response = await router.Http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("hi", "gpt"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(backend.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", received.PathAndQuery);
        Assert.Equal("secret-123", received.Headers["api-key"]);
        Assert.False(received.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Bearer_key_comes_from_the_named_environment_variable_and_the_client_key_is_not_forwarded()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync(new Hosting.RouterHostOptions
        {
            ConfigYaml = TestConfigs.TwoModels(backend.BaseUrl, backend.BaseUrl, backend.BaseUrl).Replace("{name: b,", "{name: b2,", StringComparison.Ordinal),
            Environment = n => n == "SMALL_KEY" ? "sk-upstream" : null,
        });

        await router.Chat("small").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("Bearer sk-upstream", Assert.Single(backend.Requests).Headers["authorization"]);
    }
}
