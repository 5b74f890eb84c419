using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Tests.StandInHost.Rpc;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests.StandInHost;

/// <summary>
/// The built app as the Azure Functions host runs it: the real isolated worker process, driven by the stand-in host
/// over the worker protocol, against loopback backends. API-key auth is on (the app settings the Bicep/Terraform
/// deployment sets), as it is on Azure by default.
/// </summary>
public sealed class FunctionsWorkerTests(FunctionsWorkerTests.Worker worker) : IClassFixture<FunctionsWorkerTests.Worker>
{
    private const string ClientKey = "client-key-for-the-stand-in-host";
    private const string AdminKey = "admin-key-for-the-stand-in-host";

    /// <summary>Every function the worker must report: trigger, route or queue, methods, connection.</summary>
    internal static readonly Dictionary<string, string> ExpectedFunctions = new(StringComparer.Ordinal)
    {
        ["ChatCompletions"] = "httpTrigger POST v1/chat/completions",
        ["Responses"] = "httpTrigger POST v1/responses",
        ["Response"] = "httpTrigger GET,DELETE v1/responses/{id}",
        ["Messages"] = "httpTrigger POST v1/messages",
        ["Models"] = "httpTrigger GET v1/models",
        ["Model"] = "httpTrigger GET v1/models/{id}",
        ["Feedback"] = "httpTrigger POST v1/feedback",
        ["Explain"] = "httpTrigger POST api/v1/explain",
        ["Health"] = "httpTrigger GET health",
        ["Ready"] = "httpTrigger GET ready",
        ["Ratings"] = "httpTrigger GET api/v1/ratings",
        ["Audit"] = "httpTrigger GET api/v1/audits/{id}",
        ["Queues"] = "httpTrigger GET api/v1/queues",
        ["Metrics"] = "httpTrigger GET metrics",
        ["MetricsSummary"] = "httpTrigger GET api/v1/metrics/summary",
        ["Dashboard"] = "httpTrigger GET dashboard",
        ["CacheStats"] = "httpTrigger GET api/v1/response-cache/stats",
        ["CacheInvalidate"] = "httpTrigger POST api/v1/response-cache/invalidate",
        ["CacheFlush"] = "httpTrigger POST api/v1/response-cache/flush",
        ["HalugateAudit"] = "queueTrigger halugate-audits AzureWebJobsStorage",
        ["FeedbackIngest"] = "queueTrigger feedback AzureWebJobsStorage",
    };

    [Fact]
    public void Reports_every_function_with_its_trigger_route_methods_queue_and_connection()
    {
        var reported = worker.Host.Functions.ToDictionary(f => f.Name, Describe, StringComparer.Ordinal);

        Assert.Equal(ExpectedFunctions.OrderBy(p => p.Key, StringComparer.Ordinal), reported.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(worker.Host.Functions, f => Assert.Equal("dotnet-isolated", f.Language));
        Assert.All(worker.Host.Functions.Where(f => Describe(f).StartsWith("httpTrigger", StringComparison.Ordinal)), f => Assert.Equal("Anonymous", (string?)Trigger(f)["authLevel"]));
    }

    [Fact]
    public async Task Chat_completion_invocation_routes_and_answers_from_the_backend()
    {
        using var request = Chat(TestConfigs.Body("What is the derivative of x^2?"), ClientKey);
        request.Headers.Add("x-vsr-debug", "true");

        var (response, result) = await worker.Host.InvokeHttpAsync(worker.Http, "ChatCompletions", request);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
            Assert.Equal("math", response.Headers.GetValues("x-vsr-selected-decision").Single());
            Assert.Equal("math_terms", response.Headers.GetValues("x-vsr-matched-keywords").Single());
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("a answered big-model", (string?)body["choices"]![0]!["message"]!["content"]);
        }

        await AssertSucceededAsync(result);

        // The backend got the routed request: the decision's system prompt, no client credential.
        var sent = worker.Backend.Requests.Last(r => r.Body.Contains("derivative of x^2", StringComparison.Ordinal));
        Assert.Contains("You are a math expert.", sent.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientKey, sent.Body + string.Join(' ', sent.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anthropic_messages_invocation_routes_and_answers_in_the_anthropic_shape()
    {
        const string Body = """{"model":"MoM","max_tokens":64,"messages":[{"role":"user","content":"What is the derivative of x^4?"}]}""";
        var (response, result) = await worker.Host.InvokeHttpAsync(worker.Http, "Messages", Messages(Body, ClientKey));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("large", response.Headers.GetValues("x-vsr-selected-model").Single());
            var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("message", (string?)message["type"]);
            Assert.Equal("a answered big-model", (string?)message["content"]![0]!["text"]);
            Assert.Equal("end_turn", (string?)message["stop_reason"]);
        }

        await AssertSucceededAsync(result);

        var (streamed, streamResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Messages", Messages(Body.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal), ClientKey));
        using (streamed)
        {
            Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
            var events = (await streamed.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
            Assert.Equal("message_start", events[0]);
            Assert.Contains("content_block_delta", events);
            Assert.Equal(["message_delta", "message_stop"], events[^2..]);
        }

        await AssertSucceededAsync(streamResult);

        // x-api-key is the client key as Anthropic SDKs send it; a wrong one is refused in Anthropic's error shape.
        var (refused, refusedResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Messages", Messages(Body, "not-a-key"));
        using (refused)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal("error", (string?)error["type"]);
            Assert.Equal("authentication_error", (string?)error["error"]!["type"]);
        }

        await AssertSucceededAsync(refusedResult);
    }

    [Fact]
    public async Task Bearer_keys_are_checked_by_the_router_not_the_host()
    {
        var (missing, missingResult) = await worker.Host.InvokeHttpAsync(worker.Http, "ChatCompletions", Chat(TestConfigs.Body("hello"), key: null));
        using (missing)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("missing_api_key", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]!["code"]);
        }

        // A client key is refused on a management endpoint; the admin key is accepted there.
        var (clientOnMetrics, _) = await worker.Host.InvokeHttpAsync(worker.Http, "Metrics", Get("/metrics", ClientKey));
        using (clientOnMetrics)
        {
            Assert.Equal(HttpStatusCode.Forbidden, clientOnMetrics.StatusCode);
        }

        var (models, modelsResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Models", Get("/v1/models", ClientKey));
        using (models)
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
            Assert.Contains("\"MoM\"", await models.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await AssertSucceededAsync(missingResult);
        await AssertSucceededAsync(modelsResult);
    }

    [Fact]
    public async Task Streamed_answer_reaches_the_client_chunk_by_chunk_before_the_upstream_finishes()
    {
        // The stalling backend sends one chunk, then nothing: the router ends the stream after its 3 s idle timeout.
        // Had the worker or the host buffered the answer, nothing would arrive before that.
        var watch = Stopwatch.StartNew();
        var (response, result) = await worker.Host.InvokeHttpAsync(worker.Http, "ChatCompletions", Chat(TestConfigs.Body("hello", "stalling", stream: true), ClientKey));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("part0", StringComparison.Ordinal))
            {
            }

            var firstChunk = watch.Elapsed;
            Assert.NotNull(line);
            Assert.True(firstChunk < TimeSpan.FromSeconds(2), $"the first chunk took {firstChunk.TotalMilliseconds:F0} ms: the answer was buffered");
            Assert.False(result.IsCompleted, "the invocation finished before the upstream did");

            var rest = await reader.ReadToEndAsync();
            Assert.Contains("\"code\":\"upstream_stream_timeout\"", rest, StringComparison.Ordinal);
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.5), $"the stream ended after {watch.Elapsed.TotalMilliseconds:F0} ms, before the idle timeout");
        }

        await AssertSucceededAsync(result);
    }

    [Fact]
    public async Task Responses_api_invocations_answer_stream_get_and_delete_through_the_worker()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent("""{"model":"MoM","input":"What is the derivative of x^5?"}""", Encoding.UTF8, "application/json") };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        var (created, createResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Responses", create);
        string id;
        using (created)
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            Assert.Equal("large", created.Headers.GetValues("x-vsr-selected-model").Single());
            var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            Assert.Equal("response", (string?)body["object"]);
            Assert.Equal("completed", (string?)body["status"]);
            Assert.Equal("a answered big-model", (string?)body["output"]![0]!["content"]![0]!["text"]);
            id = (string)body["id"]!;
        }

        await AssertSucceededAsync(createResult);

        using var stream = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent($$"""{"model":"MoM","input":"and x^6?","stream":true,"previous_response_id":"{{id}}"}""", Encoding.UTF8, "application/json") };
        stream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        var (streamed, streamResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Responses", stream);
        using (streamed)
        {
            Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
            var events = await streamed.Content.ReadAsStringAsync();
            Assert.StartsWith("event: response.created\n", events, StringComparison.Ordinal);
            Assert.Contains("event: response.output_text.delta\n", events, StringComparison.Ordinal);
            Assert.Contains("event: response.completed\n", events, StringComparison.Ordinal);
            Assert.DoesNotContain("chat.completion.chunk", events, StringComparison.Ordinal);
        }

        await AssertSucceededAsync(streamResult);
        var sent = worker.Backend.Requests.Last(r => r.Body.Contains("and x^6?", StringComparison.Ordinal)).Json["messages"]!.AsArray();
        Assert.Contains(sent, m => (string?)m!["role"] == "assistant" && (string?)m["content"] == "a answered big-model");

        var (fetched, fetchResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Response", Get($"/v1/responses/{id}", ClientKey));
        using (fetched)
        {
            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
            Assert.Equal(id, (string?)JsonNode.Parse(await fetched.Content.ReadAsStringAsync())!["id"]);
        }

        await AssertSucceededAsync(fetchResult);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/v1/responses/{id}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ClientKey) } };
        var (deleted, deleteResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Response", delete);
        using (deleted)
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.True((bool)JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["deleted"]!);
        }

        await AssertSucceededAsync(deleteResult);
        var (gone, goneResult) = await worker.Host.InvokeHttpAsync(worker.Http, "Response", Get($"/v1/responses/{id}", ClientKey));
        using (gone)
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await AssertSucceededAsync(goneResult);
    }

    [Fact]
    public async Task Audit_queue_invocation_succeeds_and_its_result_is_served_by_id()
    {
        var requestId = "req-worker-" + Guid.NewGuid().ToString("N");

        var result = await worker.Host.InvokeQueueAsync("HalugateAudit", AuditMessage(requestId));

        Assert.True(result.Result.Status == StatusResult.Types.Status.Success, result.Result.Exception?.Message + worker.Host.Diagnostics());
        var (audit, _) = await worker.Host.InvokeHttpAsync(worker.Http, "Audit", Get($"/api/v1/audits/{requestId}", AdminKey));
        using (audit)
        {
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            var body = JsonNode.Parse(await audit.Content.ReadAsStringAsync())!;
            Assert.Equal(requestId, (string?)body["request_id"]);
            Assert.Equal("324 m", (string?)Assert.Single(body["spans"]!.AsArray())!["text"]);
        }
    }

    [Fact]
    public async Task Redelivered_feedback_message_is_counted_once_and_a_malformed_one_is_parked_without_a_retry()
    {
        var decision = "d-" + Guid.NewGuid().ToString("N")[..8];
        var message = $$"""{"version":1,"feedback_id":"{{Guid.NewGuid():N}}","request_id":"r1","rating":"4","model":"small","decision":"{{decision}}","timestamp":"2026-11-21T14:19:25+00:00"}""";

        var first = await worker.Host.InvokeQueueAsync("FeedbackIngest", message, dequeueCount: 1);
        var again = await worker.Host.InvokeQueueAsync("FeedbackIngest", message, dequeueCount: 2);
        var malformedId = Guid.NewGuid().ToString();
        var malformed = await worker.Host.InvokeQueueAsync("FeedbackIngest", "not json " + Guid.NewGuid().ToString("N"), messageId: malformedId);

        Assert.Equal(StatusResult.Types.Status.Success, first.Result.Status);
        Assert.Equal(StatusResult.Types.Status.Success, again.Result.Status);
        Assert.Equal(StatusResult.Types.Status.Success, malformed.Result.Status);
        Assert.Contains(worker.Host.Logs, l => l.Message.Contains(malformedId, StringComparison.Ordinal) && l.Message.Contains("moved to poison", StringComparison.Ordinal));
        var (ratings, _) = await worker.Host.InvokeHttpAsync(worker.Http, "Ratings", Get("/api/v1/ratings", AdminKey));
        using (ratings)
        {
            var pair = JsonNode.Parse(await ratings.Content.ReadAsStringAsync())!["ratings"]!.AsArray().Single(r => (string?)r!["decision"] == decision)!;
            Assert.Equal(1, (int)pair["count"]!);
        }
    }

    [Fact]
    public async Task Queue_invocation_that_cannot_reach_storage_fails_so_the_host_retries_and_poisons_it()
    {
        // Storage that refuses connections: the ratings write cannot succeed.
        var closed = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:{FreePort.Next()}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{FreePort.Next()}/devstoreaccount1;";
        await using var host = await StandInFunctionsHost.StartAsync(worker.Settings(("AzureWebJobsStorage", closed)));
        var message = $$"""{"version":1,"feedback_id":"{{Guid.NewGuid():N}}","rating":"up","model":"small","decision":"chat"}""";

        var messageId = Guid.NewGuid().ToString();

        var result = await host.InvokeQueueAsync("FeedbackIngest", message, dequeueCount: 3, messageId: messageId);

        Assert.Equal(StatusResult.Types.Status.Failure, result.Result.Status);
        Assert.NotNull(result.Result.Exception);

        // The handler ran and failed on storage (not a binding or dispatch error before it).
        Assert.Contains(host.Logs, l => l.Message.Contains($"FeedbackIngest failed on message {messageId} (dequeue count 3)", StringComparison.Ordinal));
    }

    private static async Task AssertSucceededAsync(Task<InvocationResponse> result)
    {
        var response = await result.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(response.Result.Status == StatusResult.Types.Status.Success, response.Result.Exception?.Message);
    }

    private static HttpRequestMessage Chat(string body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static HttpRequestMessage Messages(string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    private static HttpRequestMessage Get(string path, string key) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    private static JsonNode Trigger(RpcFunctionMetadata function) =>
        function.RawBindings.Select(b => JsonNode.Parse(b)!).Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));

    private static string Describe(RpcFunctionMetadata function)
    {
        var trigger = Trigger(function);
        return (string)trigger["type"]! == "httpTrigger"
            ? $"httpTrigger {string.Join(',', trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()))} {trigger["route"]}"
            : $"{trigger["type"]} {trigger["queueName"]} {trigger["connection"]}";
    }

    private static string AuditMessage(string requestId) => JsonSerializer.Serialize(new JsonObject
    {
        ["version"] = 1,
        ["request_id"] = requestId,
        ["context"] = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 as the entrance arch for the World's Fair.",
        ["question"] = "How tall is the Eiffel Tower?",
        ["answer"] = "The Eiffel Tower is 324 m tall and was completed in 1889.",
        ["model"] = "large",
        ["decision"] = "grounded",
        ["timestamp"] = "2026-11-21T14:19:25+00:00",
    });

    /// <summary>One worker for the class: loopback backends, a config file, auth keys in app settings, no storage (in-memory).</summary>
    public sealed class Worker : IAsyncLifetime
    {
        private readonly string _configPath = Path.Combine(Path.GetTempPath(), "sr-worker-" + Guid.NewGuid().ToString("N") + ".yaml");
        private LoopbackBackend _stalling = null!;

        public LoopbackBackend Backend { get; private set; } = null!;

        internal StandInFunctionsHost Host { get; private set; } = null!;

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

        public async Task InitializeAsync()
        {
            Backend = await LoopbackBackend.StartAsync("a");
            _stalling = await LoopbackBackend.StartAsync("stall", BackendBehavior.StallMidStream);
            var stallingModel = $$"""
                    - name: stalling
                      provider_model_id: stalling-model
                      backend_refs: [{name: s, base_url: "{{_stalling.BaseUrl}}"}]
                """;
            var yaml = TestConfigs.TwoModels(Backend.BaseUrl, Backend.BaseUrl, Backend.BaseUrl, "  upstream: {request_timeout_seconds: 20, first_byte_timeout_seconds: 3, max_attempts: 2}")
                .Replace("{name: b,", "{name: b2,", StringComparison.Ordinal)
                .Replace("\nrouting:", "\n" + stallingModel + "\nrouting:", StringComparison.Ordinal);
            await File.WriteAllTextAsync(_configPath, yaml);
            Host = await StandInFunctionsHost.StartAsync(Settings());
        }

        public Dictionary<string, string> Settings(params (string Name, string Value)[] extra)
        {
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SEMANTIC_ROUTER_CONFIG"] = _configPath,
                ["SEMANTIC_ROUTER_API_KEY"] = ClientKey,
                ["SEMANTIC_ROUTER_ADMIN_KEY"] = AdminKey,
                ["SMALL_KEY"] = "backend-key",
            };
            foreach (var (name, value) in extra)
            {
                settings[name] = value;
            }

            return settings;
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            Http.Dispose();
            await Backend.DisposeAsync();
            await _stalling.DisposeAsync();
            File.Delete(_configPath);
        }
    }
}
