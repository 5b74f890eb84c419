using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Operations.Auth;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

public sealed class AuthTests
{
    private const string ClientKey = "sk-client-7f3a";
    private const string LimitedKey = "sk-limited-91bd";
    private const string AdminKey = "sk-admin-c0ff";

    private static string AuthYaml() => $$"""
          services:
            auth:
              keys:
                - {id: team-a, sha256: "{{ApiKeyHash.Hex(ClientKey)}}", tenant: tenant-a}
                - {id: limited, key_env: LIMITED_KEY, tenant: tenant-b, models: [small], requests_per_minute: 2, tokens_per_minute: 25}
              admin_keys:
                - {id: ops, sha256: "{{ApiKeyHash.Hex(AdminKey)}}"}
        """;

    private static Task<RouterHost> StartAsync(LoopbackBackend backend) =>
        RouterHost.StartAsync(
            Configs.Router(backend.BaseUrl, backend.BaseUrl, AuthYaml()),
            new Dictionary<string, string> { ["LIMITED_KEY"] = LimitedKey },
            services => services.AddSingleton<SemanticRouter.Functions.Endpoints.IRouterFunction, EchoHeadersFunction>());

    [Fact]
    public async Task Requests_without_a_valid_key_get_OpenAI_style_401_and_never_reach_the_backend()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await StartAsync(backend);

        var missing = await router.ChatAsync("hello");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var error = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("authentication_error", (string?)error["type"]);
        Assert.Equal("missing_api_key", (string?)error["code"]);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        var wrong = await router.ChatAsync("hello", key: ClientKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_api_key", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["error"]!["code"]);
        Assert.Empty(backend.Requests);

        Assert.Equal(HttpStatusCode.OK, (await router.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await router.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task A_client_key_sets_its_tenant_and_strips_spoofed_identity_headers_and_the_credential()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await StartAsync(backend);

        var spoofed = new Dictionary<string, string> { ["x-authz-tenant-id"] = "tenant-evil", ["x-authz-user-id"] = "someone-else" };
        var response = await router.ChatAsync("hello", key: ClientKey, headers: spoofed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var echoed = JsonNode.Parse(await (await router.GetAsync("/test/echo-headers", ClientKey)).Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("tenant-a", (string?)echoed["x-authz-tenant-id"]);
        Assert.False(echoed.ContainsKey("x-authz-user-id"));
        Assert.False(echoed.ContainsKey("authorization"));

        using var spoofing = new HttpRequestMessage(HttpMethod.Get, "/test/echo-headers");
        spoofing.Headers.TryAddWithoutValidation("x-functions-key", ClientKey);
        spoofing.Headers.TryAddWithoutValidation("x-authz-tenant-id", "tenant-evil");
        spoofing.Headers.TryAddWithoutValidation("x-authz-user-id", "someone-else");
        echoed = JsonNode.Parse(await (await router.Http.SendAsync(spoofing)).Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("tenant-a", (string?)echoed["x-authz-tenant-id"]);
        Assert.False(echoed.ContainsKey("x-authz-user-id"));
        Assert.False(echoed.ContainsKey("x-functions-key"));

        // Nothing of the client's credential reaches the backend.
        var upstream = Assert.Single(backend.Requests).Headers;
        Assert.DoesNotContain(upstream.Values, v => v.Contains(ClientKey, StringComparison.Ordinal));

        // The same key is accepted as an Azure Functions key and as an Azure OpenAI api-key.
        foreach (var header in new[] { "x-functions-key", "api-key" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.TryAddWithoutValidation(header, ClientKey);
            Assert.Equal(HttpStatusCode.OK, (await router.Http.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task Management_endpoints_need_the_admin_key()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await StartAsync(backend);

        var forbidden = await router.GetAsync("/metrics", ClientKey);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var error = JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("permission_error", (string?)error["type"]);
        Assert.Equal("admin_key_required", (string?)error["code"]);

        using var explain = new HttpRequestMessage(HttpMethod.Post, "/api/v1/explain") { Content = new StringContent("""{"model":"MoM","messages":[{"role":"user","content":"integral"}]}""", Encoding.UTF8, "application/json") };
        explain.Headers.TryAddWithoutValidation("authorization", "Bearer " + ClientKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await router.Http.SendAsync(explain)).StatusCode);

        var metrics = await router.GetAsync("/metrics", AdminKey);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var parsed = await PrometheusFamilies.ParseAsync(await metrics.Content.ReadAsStringAsync());
        Assert.Equal(2, parsed.Value("llm_auth_failures_total", ("reason", "not_admin")));
        Assert.Equal(HttpStatusCode.OK, (await router.GetAsync("/api/v1/metrics/summary", AdminKey)).StatusCode);

        // The dashboard page itself is public; its data is not.
        Assert.Equal(HttpStatusCode.OK, (await router.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await router.GetAsync("/api/v1/metrics/summary")).StatusCode);
    }

    [Fact]
    public async Task A_key_is_limited_to_its_models_and_to_its_request_and_token_budgets_with_ratelimit_headers()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await StartAsync(backend);

        var notAllowed = await router.ChatAsync("hello", model: "large", key: LimitedKey);
        Assert.Equal(HttpStatusCode.Forbidden, notAllowed.StatusCode);
        Assert.Equal("model_not_allowed", (string?)JsonNode.Parse(await notAllowed.Content.ReadAsStringAsync())!["error"]!["code"]);

        // 2 requests per minute; the backend reports 11 + 7 = 18 tokens per answer against a budget of 25.
        var first = await router.ChatAsync("hello", model: "small", key: LimitedKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("x-ratelimit-limit").Single());
        Assert.Equal("1", first.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.InRange(int.Parse(first.Headers.GetValues("x-ratelimit-reset").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("25", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        Assert.Equal("7", first.Headers.GetValues("x-ratelimit-remaining-tokens").Single());

        var second = await router.ChatAsync("hello", model: "small", key: LimitedKey);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("0", second.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("0", second.Headers.GetValues("x-ratelimit-remaining-tokens").Single());

        var third = await router.ChatAsync("hello", model: "small", key: LimitedKey);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        var error = JsonNode.Parse(await third.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rate_limit_error", (string?)error["type"]);
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.True(third.Headers.Contains("retry-after"));
        Assert.Equal(2, backend.Requests.Count);

        // Other keys have their own budgets.
        Assert.Equal(HttpStatusCode.OK, (await router.ChatAsync("hello", key: ClientKey)).StatusCode);
    }

    [Fact]
    public async Task The_token_budget_refuses_further_requests_once_streamed_usage_uses_it_up()
    {
        await using var backend = await UsageBackend.StartAsync();
        backend.PromptTokens = 20;
        backend.CompletionTokens = 10;
        await using var router = await StartAsync(backend);

        var streamed = await router.ChatAsync("hello", model: "small", stream: true, key: LimitedKey);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Contains("[DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var refused = await router.ChatAsync("hello", model: "small", key: LimitedKey);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("0", refused.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
    }

    [Fact]
    public async Task Oversized_headers_and_bodies_are_refused_before_routing()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await StartAsync(backend);

        using var bigHeaders = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        bigHeaders.Headers.TryAddWithoutValidation("x-padding", new string('a', 70 * 1024));
        Assert.Equal((HttpStatusCode)431, (await router.Http.SendAsync(bigHeaders)).StatusCode);

        var huge = await router.ChatAsync(new string('b', 5 * 1024 * 1024), key: ClientKey);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task Bad_auth_config_is_reported_with_its_path()
    {
        await using var backend = await UsageBackend.StartAsync();
        var yaml = Configs.Router(backend.BaseUrl, backend.BaseUrl, """
              services:
                auth:
                  keys:
                    - {id: a, sha256: "not-hex"}
                    - {id: b, key_env: MISSING_KEY}
            """);
        var loader = new SemanticRouter.Core.Config.RouterConfigLoader(SemanticRouter.Functions.Hosting.HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null);
        var (_, errors) = loader.TryLoad(yaml);
        Assert.Contains(errors, e => e.Path == "global.services.auth.keys[0].sha256");
        Assert.Contains(errors, e => e.Path == "global.services.auth.keys[1].key_env" && e.Message.Contains("MISSING_KEY", StringComparison.Ordinal));
    }
}
