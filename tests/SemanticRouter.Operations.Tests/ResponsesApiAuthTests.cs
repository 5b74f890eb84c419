using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Operations.Auth;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>
/// <c>/v1/responses</c> behind API-key auth: a key's token budget is charged from Responses usage (JSON and the
/// <c>response.completed</c> event), and a stored response belongs to the key's tenant only.
/// </summary>
public sealed class ResponsesApiAuthTests
{
    private const string TenantAKey = "sk-tenant-a-5e1d";
    private const string TenantBKey = "sk-tenant-b-77c0";

    private static string AuthYaml() => $$"""
          services:
            auth:
              keys:
                - {id: team-a, sha256: "{{ApiKeyHash.Hex(TenantAKey)}}", tenant: tenant-a, tokens_per_minute: 40}
                - {id: team-b, sha256: "{{ApiKeyHash.Hex(TenantBKey)}}", tenant: tenant-b}
        """;

    [Fact]
    public async Task Responses_usage_is_charged_to_the_key_streaming_and_not()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl, AuthYaml()));

        // 11 + 7 = 18 tokens per answer against a budget of 40.
        using var first = await PostAsync(router, """{"model":"small","input":"hello"}""", TenantAKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("22", first.Headers.GetValues("x-ratelimit-remaining-tokens").Single());

        using var streamed = await PostAsync(router, """{"model":"small","input":"hello","stream":true}""", TenantAKey);
        Assert.Contains("event: response.completed", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var third = await PostAsync(router, """{"model":"small","input":"hello"}""", TenantAKey);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("0", third.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        using var refused = await PostAsync(router, """{"model":"small","input":"hello"}""", TenantAKey);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
    }

    [Fact]
    public async Task A_stored_response_is_found_only_with_its_tenants_key()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl, AuthYaml()));
        using var created = await PostAsync(router, """{"model":"small","input":"tenant a's secret"}""", TenantBKey);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;

        Assert.Equal(HttpStatusCode.OK, (await router.GetAsync($"/v1/responses/{id}", TenantBKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await router.GetAsync($"/v1/responses/{id}", TenantAKey)).StatusCode);
        using var followUp = await PostAsync(router, $$"""{"model":"small","input":"more","previous_response_id":"{{id}}"}""", TenantAKey);
        Assert.Equal(HttpStatusCode.BadRequest, followUp.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await router.GetAsync($"/v1/responses/{id}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(RouterHost router, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await router.Http.SendAsync(request);
    }
}
