// The SDK marks its Responses client evaluation-only (OPENAI001); it is the client the Responses API tests must use.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Responses;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// The official OpenAI .NET SDK's Responses client against <c>/v1/responses</c> on the real standalone server, with
/// loopback chat-completions backends: routed and named models, streaming and not, follow-ups with
/// <c>previous_response_id</c>, function calls, GET and DELETE.
/// </summary>
public sealed class ResponsesApiSdkTests : IAsyncLifetime
{
    private LoopbackBackend _a = null!;
    private LoopbackBackend _b = null!;
    private LoopbackBackend _c = null!;
    private RunningRouter _router = null!;
    private ResponsesClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await LoopbackBackend.StartAsync("a");
        _b = await LoopbackBackend.StartAsync("b");
        _c = await LoopbackBackend.StartAsync("c");
        foreach (var backend in new[] { _a, _b, _c })
        {
            backend.StreamUsage = true;
        }

        _router = await RunningRouter.StartAsync(TestConfigs.TwoModels(_a.BaseUrl, _b.BaseUrl, _c.BaseUrl));
        _client = _router.Responses();
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
    }

    [Fact]
    public async Task Routed_MoM_answers_a_response_object_with_the_routing_headers()
    {
        var result = await _client.CreateResponseAsync(new CreateResponseOptions("MoM", [ResponseItem.CreateUserMessageItem("What is the derivative of x^3?")]));
        var response = result.Value;

        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal("c answered big-model", response.GetOutputText());
        Assert.Equal("big-model", response.Model);
        Assert.Equal(5, response.Usage.InputTokenCount);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(8, response.Usage.TotalTokenCount);
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
        Assert.StartsWith("msg_", message.Id, StringComparison.Ordinal);
        var raw = result.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("large", model);
        Assert.True(raw.Headers.TryGetValue("x-vsr-selected-decision", out var decision));
        Assert.Equal("math", decision);
        Assert.True(raw.Headers.TryGetValue("x-vsr-response-path", out var path));
        Assert.Equal("upstream", path);

        // Upstream it was a chat-completions request with the decision's system prompt.
        var sent = Assert.Single(_c.Requests).Json;
        var messages = sent["messages"]!.AsArray();
        Assert.Equal("You are a math expert.", (string?)messages[0]!["content"]);
        Assert.Equal("user", (string?)messages[^1]!["role"]);
        Assert.Equal("What is the derivative of x^3?", (string?)messages[^1]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task A_named_model_passes_through_with_instructions_and_sampling_translated()
    {
        var options = new CreateResponseOptions("small", [ResponseItem.CreateUserMessageItem("hello")])
        {
            Instructions = "Answer in one word.",
            MaxOutputTokenCount = 50,
            Temperature = 0.5f,
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Low },
        };
        var response = (await _client.CreateResponseAsync(options)).Value;

        Assert.Matches("^[ab] answered qwen3-8b$", response.GetOutputText());
        Assert.Equal("Answer in one word.", Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.Instructions)).Content[0].Text);
        Assert.Equal(50, response.MaxOutputTokenCount);
        Assert.Empty(_c.Requests);
        var sent = _a.Requests.Concat(_b.Requests).Single().Json;
        Assert.Equal("system", (string?)sent["messages"]![0]!["role"]);
        Assert.Equal("Answer in one word.", (string?)sent["messages"]![0]!["content"]);
        Assert.Equal(50, (int?)sent["max_completion_tokens"]);
        Assert.Equal(0.5, (double?)sent["temperature"]);
        Assert.Equal("low", (string?)sent["reasoning_effort"]);
    }

    [Fact]
    public async Task Streams_the_responses_event_sequence_with_text_deltas_and_a_completed_response()
    {
        var text = new StringBuilder();
        var types = new List<string>();
        ResponseResult? completed = null;
        await foreach (var update in _client.CreateResponseStreamingAsync(new CreateResponseOptions("MoM", [ResponseItem.CreateUserMessageItem("Tell me about integral calculus")]) { StreamingEnabled = true }))
        {
            types.Add(update.GetType().Name);
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        Assert.Equal("c answered big-model ", text.ToString());
        Assert.Equal(nameof(StreamingResponseCreatedUpdate), types[0]);
        Assert.Equal(nameof(StreamingResponseInProgressUpdate), types[1]);
        Assert.Equal(nameof(StreamingResponseCompletedUpdate), types[^1]);
        Assert.True(types.Count(t => t == nameof(StreamingResponseOutputTextDeltaUpdate)) >= 3, string.Join(", ", types));
        Assert.NotNull(completed);
        Assert.Equal("c answered big-model ", completed.GetOutputText());
        Assert.Equal(5, completed.Usage.InputTokenCount);
        Assert.Equal(3, completed.Usage.OutputTokenCount);

        // The streamed response was stored like any other.
        var fetched = (await _client.GetResponseAsync(completed.Id)).Value;
        Assert.Equal("c answered big-model ", fetched.GetOutputText());
    }

    [Fact]
    public async Task The_stream_is_responses_events_never_chat_completion_chunks()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = new StringContent("""{"model":"large","input":"hello","stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await _router.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
        Assert.DoesNotContain("chat.completion", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(frame => frame.Split('\n')).ToList();
        var names = events.Select(lines => lines[0]).ToList();
        Assert.All(names, n => Assert.StartsWith("event: ", n, StringComparison.Ordinal));
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"],
            names.Take(4).Select(n => n["event: ".Length..]));
        Assert.Equal(
            ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            names.TakeLast(4).Select(n => n["event: ".Length..]));
        var data = events.Select(lines => JsonNode.Parse(lines[1]["data: ".Length..])!).ToList();
        Assert.Equal(Enumerable.Range(0, data.Count), data.Select(d => (int)d["sequence_number"]!));
        Assert.All(data, (d, i) => Assert.Equal(names[i]["event: ".Length..], (string?)d["type"]));
    }

    [Fact]
    public async Task A_follow_up_with_previous_response_id_sends_the_stored_conversation_upstream()
    {
        var first = (await _client.CreateResponseAsync(new CreateResponseOptions("large", [ResponseItem.CreateUserMessageItem("My name is Ada.")]) { Instructions = "Be kind." })).Value;
        var second = (await _client.CreateResponseAsync(new CreateResponseOptions("large", [ResponseItem.CreateUserMessageItem("What is my name?")]) { PreviousResponseId = first.Id })).Value;

        Assert.Equal(first.Id, second.PreviousResponseId);
        var sent = _c.Requests.Last().Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], sent.Select(m => (string)m!["role"]!));
        Assert.Equal("My name is Ada.", (string?)sent[0]!["content"]![0]!["text"]);
        Assert.Equal("c answered big-model", (string?)sent[1]!["content"]);
        Assert.Equal("What is my name?", (string?)sent[2]!["content"]![0]!["text"]);

        // A streamed follow-up of the follow-up carries the whole chain.
        var text = new StringBuilder();
        await foreach (var update in _client.CreateResponseStreamingAsync(new CreateResponseOptions("large", [ResponseItem.CreateUserMessageItem("And again?")]) { PreviousResponseId = second.Id, StreamingEnabled = true }))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
        }

        Assert.Equal("c answered big-model ", text.ToString());
        Assert.Equal(5, _c.Requests.Last().Json["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Get_returns_a_stored_response_and_delete_removes_it()
    {
        var created = (await _client.CreateResponseAsync(new CreateResponseOptions("small", [ResponseItem.CreateUserMessageItem("keep this")]))).Value;

        var fetched = (await _client.GetResponseAsync(created.Id)).Value;
        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.GetOutputText(), fetched.GetOutputText());

        var deleted = (await _client.DeleteResponseAsync(created.Id)).Value;
        Assert.True(deleted.Deleted);
        Assert.Equal(created.Id, deleted.ResponseId);

        var gone = await Assert.ThrowsAsync<ClientResultException>(() => _client.GetResponseAsync(created.Id));
        Assert.Equal(404, gone.Status);
        var again = await Assert.ThrowsAsync<ClientResultException>(() => _client.DeleteResponseAsync(created.Id));
        Assert.Equal(404, again.Status);
        var followUp = await Assert.ThrowsAsync<ClientResultException>(() => _client.CreateResponseAsync(new CreateResponseOptions("small", [ResponseItem.CreateUserMessageItem("hi")]) { PreviousResponseId = created.Id }));
        Assert.Equal(400, followUp.Status);
        Assert.Contains("not found", followUp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_false_is_not_kept()
    {
        var created = (await _client.CreateResponseAsync(new CreateResponseOptions("small", [ResponseItem.CreateUserMessageItem("forget this")]) { StoredOutputEnabled = false })).Value;

        Assert.False(string.IsNullOrEmpty(created.GetOutputText()));
        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.GetResponseAsync(created.Id));
        Assert.Equal(404, e.Status);
    }

    [Fact]
    public async Task Function_calls_round_trip_streaming_and_not()
    {
        _c.ToolCall = call => call.Body?["messages"]!.AsArray().Any(m => (string?)m!["role"] == "tool") == true ? null : new BackendToolCall("call_1", "get_weather", """{"city":"Paris"}""");
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""), false, "Weather by city");

        var first = (await _client.CreateResponseAsync(new CreateResponseOptions("large", [ResponseItem.CreateUserMessageItem("Weather in Paris?")]) { Tools = { tool } })).Value;
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Paris"}""", call.FunctionArguments.ToString());
        var sentTools = _c.Requests.Last().Json["tools"]!.AsArray();
        Assert.Equal("get_weather", (string?)sentTools[0]!["function"]!["name"]);

        var second = (await _client.CreateResponseAsync(new CreateResponseOptions("large", [ResponseItem.CreateFunctionCallOutputItem("call_1", "18 C, sunny")]) { PreviousResponseId = first.Id, Tools = { tool } })).Value;
        Assert.Equal("c answered big-model", second.GetOutputText());
        var sent = _c.Requests.Last().Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => (string)m!["role"]!));
        Assert.Equal("call_1", (string?)sent[1]!["tool_calls"]![0]!["id"]);
        Assert.Equal("call_1", (string?)sent[2]!["tool_call_id"]);
        Assert.Equal("18 C, sunny", (string?)sent[2]!["content"]);

        var arguments = new StringBuilder();
        FunctionCallResponseItem? streamed = null;
        await foreach (var update in _client.CreateResponseStreamingAsync(new CreateResponseOptions("large", [ResponseItem.CreateUserMessageItem("Weather in Paris?")]) { Tools = { tool }, StreamingEnabled = true }))
        {
            switch (update)
            {
                case StreamingResponseFunctionCallArgumentsDeltaUpdate delta:
                    arguments.Append(delta.Delta);
                    break;
                case StreamingResponseOutputItemDoneUpdate { Item: FunctionCallResponseItem item }:
                    streamed = item;
                    break;
            }
        }

        Assert.Equal("""{"city":"Paris"}""", arguments.ToString());
        Assert.NotNull(streamed);
        Assert.Equal("get_weather", streamed.FunctionName);
        Assert.Equal("""{"city":"Paris"}""", streamed.FunctionArguments.ToString());
    }
}
