using System.Text;
using OpenAI.Chat;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>The official OpenAI .NET SDK as the client: routed and pass-through, streaming and not.</summary>
public sealed class OpenAISdkClientTests : IAsyncLifetime
{
    private LoopbackBackend _a = null!;
    private LoopbackBackend _b = null!;
    private LoopbackBackend _c = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _a = await LoopbackBackend.StartAsync("a");
        _b = await LoopbackBackend.StartAsync("b");
        _c = await LoopbackBackend.StartAsync("c");
        _router = await RunningRouter.StartAsync(TestConfigs.TwoModels(_a.BaseUrl, _b.BaseUrl, _c.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
    }

    [Fact]
    public async Task Routes_math_prompt_to_large_model_and_injects_system_prompt()
    {
        var result = await _router.Chat("MoM").CompleteChatAsync([new UserChatMessage("What is the derivative of x^3?")]);

        Assert.Equal("c answered big-model", result.Value.Content[0].Text);
        var raw = result.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("large", model);
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-decision", out var decision));
        Assert.Equal("math", decision);
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-confidence", out var confidence));
        Assert.Equal("1.0000", confidence);
        Assert.True(raw.Headers.TryGetValue("x-vsr-response-path", out var path));
        Assert.Equal("upstream", path);
        Assert.False(raw.Headers.TryGetValue("x-vsr-matched-keywords", out _));

        var upstream = Assert.Single(_c.Requests).Json;
        Assert.Equal("big-model", upstream["model"]!.GetValue<string>());
        var messages = upstream["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal("You are a math expert.", messages[0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streams_a_routed_answer_chunk_by_chunk()
    {
        var text = new StringBuilder();
        var updates = 0;
        await foreach (var update in _router.Chat("auto").CompleteChatStreamingAsync([new UserChatMessage("Tell me about integral calculus")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("c answered big-model ", text.ToString());
        Assert.True(updates >= 4, $"expected several chunks, got {updates}");
    }

    [Fact]
    public async Task Passes_a_concrete_model_through_without_routing()
    {
        var result = await _router.Chat("small").CompleteChatAsync([new UserChatMessage("What is the derivative of x?")]);

        Assert.Matches("^[ab] answered qwen3-8b$", result.Value.Content[0].Text);
        var raw = result.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("small", model);
        Assert.False(raw.Headers.TryGetValue("x-vsr-selected-decision", out _));
        Assert.Empty(_c.Requests);
        var upstream = _a.Requests.Concat(_b.Requests).Single().Json;
        Assert.Equal("user", upstream["messages"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streams_a_pass_through_answer()
    {
        var text = new StringBuilder();
        await foreach (var update in _router.Chat("large").CompleteChatStreamingAsync([new UserChatMessage("hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("c answered big-model ", text.ToString());
    }

    [Fact]
    public async Task Unknown_model_is_a_400_the_sdk_reports()
    {
        var e = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => _router.Chat("gpt-unknown").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(400, e.Status);
        Assert.Contains("not available", e.Message);
    }

    [Fact]
    public async Task Debug_header_reveals_matched_signals()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(TestConfigs.Body("the integral of sin"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-vsr-debug", "true");
        using var response = await _router.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("math_terms", response.Headers.GetValues("x-vsr-matched-keywords").Single());
        Assert.Equal("true", response.Headers.GetValues("x-vsr-injected-system-prompt").Single());
    }
}
