using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// The official Anthropic .NET SDK against <c>/v1/messages</c> on the real router, in front of OpenAI-style loopback
/// backends: routed and pass-through, streaming and not, a tool-use round trip, and a backend that puts usage on
/// every chunk (vllm-project/semantic-router #2845).
/// </summary>
public sealed class AnthropicSdkClientTests : IAsyncLifetime
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
    public async Task Routes_a_message_and_answers_in_the_anthropic_shape()
    {
        var message = await _router.Anthropic().Messages.Create(Ask("MoM", "What is the derivative of x^3?"));

        Assert.Equal("c answered big-model", Text(message));
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(5, message.Usage.InputTokens);
        Assert.Equal(3, message.Usage.OutputTokens);
        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);

        // Upstream got a chat completion request: the decision's system prompt, the client's max_tokens.
        var upstream = Assert.Single(_c.Requests).Json;
        Assert.Equal("big-model", (string?)upstream["model"]);
        Assert.Equal(256, (int?)upstream["max_tokens"]);
        Assert.Equal("You are a math expert.", (string?)upstream["messages"]![0]!["content"]);
        Assert.Equal("What is the derivative of x^3?", (string?)upstream["messages"]![1]!["content"]);
    }

    [Fact]
    public async Task Routing_headers_are_the_chat_doors_own()
    {
        using var response = await PostAsync("""{"model":"MoM","max_tokens":64,"system":[{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":[{"type":"text","text":"the integral of sin"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.Equal("math", response.Headers.GetValues("x-vsr-selected-decision").Single());
        Assert.Equal("upstream", response.Headers.GetValues("x-vsr-response-path").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal("assistant", (string?)body["role"]);
        Assert.Equal("end_turn", (string?)body["stop_reason"]);
        // The client's system blocks and the decision's system prompt (insert mode) reach the backend as system text.
        var upstream = Assert.Single(_c.Requests).Json["messages"]!.AsArray();
        Assert.Equal(["system", "user"], upstream.Select(m => (string)m!["role"]!));
        Assert.Contains("Be brief.", (string?)upstream[0]!["content"], StringComparison.Ordinal);
        Assert.Contains("You are a math expert.", (string?)upstream[0]!["content"], StringComparison.Ordinal);
        Assert.Equal("the integral of sin", (string?)upstream[1]!["content"]);
    }

    [Fact]
    public async Task Streams_the_anthropic_event_sequence()
    {
        _c.StreamUsage = true;
        var text = new StringBuilder();
        var kinds = new List<string>();
        long? outputTokens = null;
        await foreach (var e in _router.Anthropic().Messages.CreateStreaming(Ask("large", "hello")))
        {
            if (e.TryPickStart(out _))
            {
                kinds.Add("message_start");
            }
            else if (e.TryPickContentBlockStart(out _))
            {
                kinds.Add("content_block_start");
            }
            else if (e.TryPickContentBlockDelta(out var delta))
            {
                kinds.Add("content_block_delta");
                if (delta.Delta.TryPickText(out var t))
                {
                    text.Append(t.Text);
                }
            }
            else if (e.TryPickContentBlockStop(out _))
            {
                kinds.Add("content_block_stop");
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                kinds.Add("message_delta");
                outputTokens = messageDelta.Usage.OutputTokens;
            }
            else if (e.TryPickStop(out _))
            {
                kinds.Add("message_stop");
            }
        }

        Assert.Equal("c answered big-model ", text.ToString());
        Assert.Equal("message_start", kinds[0]);
        Assert.Equal("content_block_start", kinds[1]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], kinds[^3..]);
        Assert.True(kinds.Count(k => k == "content_block_delta") >= 3, string.Join(",", kinds));
        Assert.Equal(3, outputTokens);

        // The stream asked upstream for usage, so message_delta can report it.
        Assert.True((bool)Assert.Single(_c.Requests).Json["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task Usage_on_every_chunk_does_not_cut_the_stream()
    {
        _c.UsageOnEveryChunk = true;
        _c.AnswerText = _ => "one two three four five six";
        var text = new StringBuilder();
        var stopped = false;
        await foreach (var e in _router.Anthropic().Messages.CreateStreaming(Ask("large", "count for me")))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }

            stopped |= e.TryPickStop(out _);
        }

        Assert.Equal("one two three four five six", text.ToString());
        Assert.True(stopped);
    }

    [Fact]
    public async Task Tool_use_round_trip()
    {
        _c.ToolCall = call => call.LastUserText.Contains("weather", StringComparison.Ordinal) && call.Body?["messages"]!.AsArray().All(m => (string?)m!["role"] != "tool") == true
            ? new BackendToolCall("call_1", "get_weather", """{"city":"Paris"}""")
            : null;
        _c.AnswerText = call => "It is sunny: " + (string?)call.Body!["messages"]!.AsArray().Last()!["content"];
        var tool = new Tool
        {
            Name = "get_weather",
            Description = "Weather for a city",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
                Required = ["city"],
            },
        };
        var ask = Ask("large", "What is the weather in Paris?") with { Tools = [tool] };

        var first = await _router.Anthropic().Messages.Create(ask);

        Assert.Equal("tool_use", first.StopReason!.Raw());
        Assert.True(Assert.Single(first.Content).TryPickToolUse(out var use));
        Assert.Equal("call_1", use.ID);
        Assert.Equal("get_weather", use.Name);
        Assert.Equal("Paris", use.Input["city"].GetString());

        var second = await _router.Anthropic().Messages.Create(ask with
        {
            Messages =
            [
                .. ask.Messages,
                new AssistantMessageParam { Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input } } },
                new UserMessageParam { Content = new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = use.ID, Content = "22 C and sunny" } } },
            ],
        });

        Assert.Equal("It is sunny: 22 C and sunny", Text(second));
        var upstream = _c.Requests.Last().Json;
        Assert.Equal("get_weather", (string?)upstream["tools"]![0]!["function"]!["name"]);
        var messages = upstream["messages"]!.AsArray();
        var assistant = messages[^2]!;
        Assert.Equal("assistant", (string?)assistant["role"]);
        Assert.Equal("call_1", (string?)assistant["tool_calls"]![0]!["id"]);
        Assert.Equal("Paris", (string?)JsonNode.Parse((string)assistant["tool_calls"]![0]!["function"]!["arguments"]!)!["city"]);
        Assert.Equal("tool", (string?)messages[^1]!["role"]);
        Assert.Equal("call_1", (string?)messages[^1]!["tool_call_id"]);
    }

    [Fact]
    public async Task Streamed_tool_use_arrives_as_input_json_deltas()
    {
        _c.ToolCall = _ => new BackendToolCall("call_9", "lookup", """{"query":"semantic routing","limit":3}""");
        var json = new StringBuilder();
        string? name = null;
        string? stop = null;
        await foreach (var e in _router.Anthropic().Messages.CreateStreaming(Ask("large", "look it up")))
        {
            if (e.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var use))
            {
                name = use.Name;
            }
            else if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var part))
            {
                json.Append(part.PartialJson);
            }
            else if (e.TryPickDelta(out var md))
            {
                stop = md.Delta.StopReason!.Raw();
            }
        }

        Assert.Equal("lookup", name);
        Assert.Equal("tool_use", stop);
        Assert.Equal(3, (int?)JsonNode.Parse(json.ToString())!["limit"]);
    }

    [Fact]
    public async Task Malformed_requests_are_400s_in_the_anthropic_error_shape()
    {
        foreach (var (body, needle) in new[]
        {
            ("{not json", "not valid JSON"),
            ("""{"model":"MoM","messages":[{"role":"user","content":"hi"}]}""", "max_tokens"),
            ("""{"model":"MoM","max_tokens":10,"messages":[]}""", "messages"),
            ("""{"model":"MoM","max_tokens":10,"messages":[{"role":"system","content":"hi"}]}""", "role"),
            ("""{"model":"MoM","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}""", "image"),
            ("""{"model":"MoM","max_tokens":10,"frequency_penalty":1,"messages":[{"role":"user","content":"hi"}]}""", "frequency_penalty"),
            ("""{"model":"MoM","max_tokens":10,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}""", "server tools"),
        })
        {
            using var response = await PostAsync(body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("error", (string?)error["type"]);
            Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
            Assert.Contains(needle, (string?)error["error"]!["message"], StringComparison.Ordinal);
            Assert.NotNull(response.Headers.GetValues("x-request-id").Single());
        }

        Assert.Empty(_a.Requests.Concat(_b.Requests).Concat(_c.Requests));
    }

    [Fact]
    public async Task Errors_from_the_pipeline_and_the_host_are_anthropic_shaped_too()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => _router.Anthropic().Messages.Create(Ask("claude-unknown", "hi")));
        Assert.Contains("not available", e.Message, StringComparison.Ordinal);

        using var unknown = await PostAsync("""{"model":"claude-unknown","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("invalid_request_error", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]!["type"]);

        using var get = await _router.Http.GetAsync("/v1/messages");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("error", (string?)JsonNode.Parse(await get.Content.ReadAsStringAsync())!["type"]);

        _a.Behavior = BackendBehavior.ServerError;
        _b.Behavior = BackendBehavior.ServerError;
        using var failed = await PostAsync("""{"model":"small","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        var body = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!;
        Assert.Equal("api_error", (string?)body["error"]!["type"]);
        Assert.Equal(failed.Headers.GetValues("x-request-id").Single(), (string?)body["request_id"]);
    }

    [Fact]
    public async Task A_repeat_is_answered_from_the_semantic_cache_streamed_or_not()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        await using var router = await RunningRouter.StartAsync($$$"""
            version: v1
            providers:
              default_model: small
              models:
                - {name: small, provider_model_id: s, backend_refs: [{name: a, base_url: "{{{backend.BaseUrl}}}"}]}
            routing:
              decisions:
                - name: faq
                  priority: 1
                  rules: {operator: AND, conditions: []}
                  modelRefs: [{model: small}]
                  plugins:
                    - {type: response_cache, configuration: {mode: semantic, ttl_seconds: 600}}
            global:
              router: {auto_model_names: [MoM]}
              stores:
                response_cache: {backend_type: memory, embedding_model: hashing-ngram-512-v1}
            """);
        var ask = Ask("MoM", "How do I reset my router to factory settings?");

        var first = await router.Anthropic().Messages.Create(ask);
        using var again = await router.Http.PostAsync("/v1/messages", new StringContent(
            """{"model":"MoM","max_tokens":256,"messages":[{"role":"user","content":"How do I reset my router to factory settings?"}]}""", Encoding.UTF8, "application/json"));
        var streamed = new StringBuilder();
        await foreach (var e in router.Anthropic().Messages.CreateStreaming(ask))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                streamed.Append(t.Text);
            }
        }

        Assert.Equal("a answered s", Text(first));
        Assert.Equal("true", again.Headers.GetValues("x-vsr-cache-hit").Single());
        Assert.Equal("a answered s", (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["content"]![0]!["text"]);
        Assert.Equal("a answered s", streamed.ToString());
        Assert.Equal(1, backend.RequestCount);
    }

    private static MessageCreateParams Ask(string model, string text) => new()
    {
        Model = model,
        MaxTokens = 256,
        Messages = [new UserMessageParam { Content = text }],
    };

    private static string Text(Message message) =>
        string.Concat(message.Content.Select(c => c.TryPickText(out var t) ? t.Text : string.Empty));

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "test-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return await _router.Http.SendAsync(request);
    }
}
