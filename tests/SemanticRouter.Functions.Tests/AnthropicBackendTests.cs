using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Models with <c>api_format: anthropic</c>: whatever front door a request comes in by, it is sent to the model's
/// loopback backend as an Anthropic Messages call (x-api-key from the model's key variable, anthropic-version) and
/// answered in the client's own protocol, streaming included; failover crosses formats in both directions.
/// </summary>
public sealed class AnthropicBackendTests : IAsyncLifetime
{
    private const string KeyVariable = "SR_TEST_ANTHROPIC_BACKEND_KEY";
    private AnthropicLoopbackBackend _claude = null!;
    private LoopbackBackend _openai = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, "sk-ant-loopback");
        _claude = await AnthropicLoopbackBackend.StartAsync("claude");
        _openai = await LoopbackBackend.StartAsync("gpt");
        _router = await RunningRouter.StartAsync($$$"""
            version: v1
            providers:
              default_model: claude
              models:
                - name: claude
                  provider_model_id: claude-sonnet-4-5
                  api_format: anthropic
                  api_key_env: {{{KeyVariable}}}
                  backend_refs: [{name: anthropic, base_url: "{{{_claude.BaseUrl}}}"}]
                - name: gpt
                  provider_model_id: gpt-4o-mini
                  backend_refs: [{name: openai, base_url: "{{{_openai.BaseUrl}}}"}]
            routing:
              strategy: priority
              signals:
                keywords:
                  - {name: poetry, operator: OR, keywords: ["poem"], case_sensitive: false}
              decisions:
                - name: poems
                  priority: 100
                  rules: {operator: AND, conditions: [{type: keyword, name: poetry}]}
                  modelRefs: [{model: gpt}, {model: claude}]
                - name: default
                  priority: 1
                  rules: {operator: AND, conditions: []}
                  modelRefs: [{model: claude}, {model: gpt}]
            global:
              router: {auto_model_names: [MoM]}
            """);
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _claude.DisposeAsync();
        await _openai.DisposeAsync();
    }

    [Fact]
    public async Task OpenAI_client_gets_a_chat_completion_from_an_anthropic_backend()
    {
        var result = await _router.Chat("MoM").CompleteChatAsync([new SystemChatMessage("Be terse."), new UserChatMessage("hello there")], new ChatCompletionOptions { Temperature = 0.5f });

        Assert.Equal("claude answered claude-sonnet-4-5", result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal(11, result.Value.Usage.InputTokenCount);
        Assert.Equal(7, result.Value.Usage.OutputTokenCount);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("claude", model);

        var sent = Assert.Single(_claude.Requests);
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal("sk-ant-loopback", sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.False(sent.Headers.ContainsKey("authorization"));
        var body = sent.Json;
        Assert.Equal("claude-sonnet-4-5", (string?)body["model"]);
        Assert.Equal("Be terse.", (string?)body["system"]);
        Assert.Equal(4096, (int?)body["max_tokens"]);
        Assert.Equal(0.5, (double?)body["temperature"]);
        var turn = Assert.Single(body["messages"]!.AsArray())!;
        Assert.Equal("user", (string?)turn["role"]);
        Assert.Equal("hello there", (string?)turn["content"]![0]!["text"]);
    }

    [Fact]
    public async Task OpenAI_client_streams_from_an_anthropic_backend()
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in _router.Chat("claude").CompleteChatStreamingAsync([new UserChatMessage("stream please")], new ChatCompletionOptions { MaxOutputTokenCount = 50 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("claude answered claude-sonnet-4-5 ", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        var body = Assert.Single(_claude.Requests).Json;
        Assert.True((bool)body["stream"]!);
        Assert.Equal(50, (int?)body["max_tokens"]);
    }

    [Fact]
    public async Task Streamed_usage_from_an_anthropic_backend_reaches_a_client_that_asked_for_it()
    {
        using var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var sse = await response.Content.ReadAsStringAsync();

        var data = sse.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var usage = JsonNode.Parse(data[^2])!["usage"]!;
        Assert.Equal(11, (int?)usage["prompt_tokens"]);
        Assert.Equal(7, (int?)usage["completion_tokens"]);
        Assert.DoesNotContain("event:", sse, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_cache_reads_of_an_anthropic_backend_count_as_cached_prompt_tokens_streamed_or_not()
    {
        _claude.CacheReadInputTokens = 30;
        foreach (var stream in new[] { false, true })
        {
            using var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(
                stream
                    ? """{"model":"claude","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""
                    : """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8,
                "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            var usage = stream
                ? JsonNode.Parse(text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Last()[6..])!["usage"]!
                : JsonNode.Parse(text)!["usage"]!;

            // Anthropic counts cache reads apart from input_tokens; chat usage folds them in and names them cached.
            Assert.Equal(41, (int?)usage["prompt_tokens"]);
            Assert.Equal(30, (int?)usage["prompt_tokens_details"]!["cached_tokens"]);
        }
    }

    [Fact]
    public async Task OpenAI_tool_calls_go_to_an_anthropic_backend_and_come_back()
    {
        _claude.ToolCall = call => call.LastUserText.Length > 0 ? new BackendToolCall("toolu_1", "get_weather", """{"city":"Oslo"}""") : null;
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };

        var first = await _router.Chat("claude").CompleteChatAsync([new UserChatMessage("weather in Oslo?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Value.FinishReason);
        var call = Assert.Single(first.Value.ToolCalls);
        Assert.Equal("toolu_1", call.Id);
        Assert.Equal("Oslo", (string?)JsonNode.Parse(call.FunctionArguments.ToString())!["city"]);
        var sent = _claude.Requests.Last().Json;
        Assert.Equal("get_weather", (string?)sent["tools"]![0]!["name"]);
        Assert.Equal("object", (string?)sent["tools"]![0]!["input_schema"]!["type"]);
        Assert.Equal("any", (string?)sent["tool_choice"]!["type"]);

        _claude.ToolCall = null;
        await _router.Chat("claude").CompleteChatAsync([new UserChatMessage("weather in Oslo?"), new AssistantChatMessage(first.Value.ToolCalls), new ToolChatMessage("toolu_1", "-3 C, snow")], options);

        var followUp = _claude.Requests.Last().Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], followUp.Select(m => (string)m!["role"]!));
        var use = followUp[1]!["content"]![0]!;
        Assert.Equal("tool_use", (string?)use["type"]);
        Assert.Equal("Oslo", (string?)use["input"]!["city"]);
        var result = followUp[2]!["content"]![0]!;
        Assert.Equal("tool_result", (string?)result["type"]);
        Assert.Equal("toolu_1", (string?)result["tool_use_id"]);
        Assert.Equal("-3 C, snow", (string?)result["content"]);
    }

    [Fact]
    public async Task Anthropic_client_reaches_an_anthropic_backend_through_the_chat_pipeline()
    {
        var text = new StringBuilder();
        await foreach (var e in _router.Anthropic().Messages.CreateStreaming(new MessageCreateParams { Model = "claude", MaxTokens = 32, Messages = [new UserMessageParam { Content = "hi" }] }))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
        }

        Assert.Equal("claude answered claude-sonnet-4-5 ", text.ToString());
        Assert.Equal(32, (int?)Assert.Single(_claude.Requests).Json["max_tokens"]);
    }

    [Fact]
    public async Task Responses_api_clients_reach_an_anthropic_backend_streamed_or_not()
    {
        using var plain = await _router.Http.PostAsync("/v1/responses", new StringContent("""{"model":"claude","input":"hi","store":false}""", Encoding.UTF8, "application/json"));
        var response = JsonNode.Parse(await plain.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("completed", (string?)response["status"]);
        Assert.Equal("claude answered claude-sonnet-4-5", (string?)response["output"]![0]!["content"]![0]!["text"]);

        using var streamed = await _router.Http.PostAsync("/v1/responses", new StringContent("""{"model":"claude","input":"hi","stream":true,"store":false}""", Encoding.UTF8, "application/json"));
        var sse = await streamed.Content.ReadAsStringAsync();
        var text = string.Concat(sse.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)
            .Where(e => (string?)e["type"] == "response.output_text.delta").Select(e => (string?)e["delta"]));
        Assert.Equal("claude answered claude-sonnet-4-5 ", text);
        Assert.Contains("response.completed", sse, StringComparison.Ordinal);
        Assert.All(_claude.Requests, r => Assert.Equal("/v1/messages", r.PathAndQuery));
        Assert.Equal(2, _claude.Requests.Count);
    }

    [Fact]
    public async Task Failover_goes_from_an_anthropic_backend_to_an_openai_one()
    {
        _claude.FailNext = 1;

        var result = await _router.Chat("MoM").CompleteChatAsync([new UserChatMessage("hello")]);

        Assert.Equal("gpt answered gpt-4o-mini", result.Value.Content[0].Text);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("gpt", model);
        Assert.Single(_claude.Requests);
    }

    [Fact]
    public async Task Failover_goes_from_an_openai_backend_to_an_anthropic_one()
    {
        _openai.FailNext = 1;

        var message = await _router.Anthropic().Messages.Create(new MessageCreateParams { Model = "MoM", MaxTokens = 16, Messages = [new UserMessageParam { Content = "write a poem" }] });

        Assert.Equal("claude answered claude-sonnet-4-5", string.Concat(message.Content.Select(c => c.TryPickText(out var t) ? t.Text : string.Empty)));
        Assert.Single(_openai.Requests);
        Assert.Single(_claude.Requests);
    }

    [Fact]
    public async Task An_anthropic_backends_refusal_reaches_the_chat_client_as_an_openai_error()
    {
        _claude.RefuseWith = 400;

        var e = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => _router.Chat("claude").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(400, e.Status);
        var error = JsonNode.Parse(e.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("messages: text content blocks must be non-empty", (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
    }

    [Fact]
    public async Task A_request_an_anthropic_backend_cannot_take_is_a_400_naming_what()
    {
        using var response = await _router.Http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains("input_audio", (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(_claude.Requests);
    }
}
