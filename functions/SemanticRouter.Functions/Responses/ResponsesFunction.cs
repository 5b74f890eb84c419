using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Responses.Store;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// <c>POST /v1/responses</c>, the OpenAI Responses API front door. The request is translated to a chat-completions
/// request and served by <see cref="ChatCompletionsFunction"/>, so signals, decisions, plugins (cache, PII,
/// jailbreak, system prompt…), fallback and the <c>x-vsr-*</c> headers are exactly those of
/// <c>/v1/chat/completions</c>; the answer (JSON or SSE) is translated back into a <c>response</c> object or the
/// Responses event sequence. Errors keep the OpenAI error format and status the pipeline gave them.
/// </summary>
internal sealed partial class ResponsesFunction(
    ChatCompletionsFunction chat,
    IResponseStore store,
    IRouterSnapshotSource snapshots,
    TimeProvider time,
    ILogger<ResponsesFunction> logger,
    RouterMetrics? metrics = null) : IRouterFunction
{
    public string Name => "Responses";

    public string Route => "v1/responses";

    public IReadOnlyList<string> Methods => ["POST"];

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        ResponsesRequest parsed;
        JsonArray? history = null;
        JsonObject chatBody;
        var tenant = ResponseTenant.Of(request.Headers);
        try
        {
            parsed = ResponsesRequest.Parse(request.Body.Span);
            if (parsed.PreviousResponseId is { } previousId)
            {
                var previous = await store.GetAsync(tenant, previousId, cancellationToken)
                    ?? throw RouterException.BadRequest($"Previous response with id '{previousId}' not found.", "previous_response_id", "previous_response_not_found");
                history = previous.Conversation;
            }

            chatBody = parsed.ToChatBody(history, snapshots.Current.Config.Global.Router.MaxMessages);
        }
        catch (RouterException e)
        {
            // Refused before the chat door sees it: counted and answered with an x-request-id as the chat door does.
            metrics?.Error("none", e.Code);
            return RouterPipeline.Error(e, RequestIds.From(request.Headers));
        }

        var answer = await chat.InvokeAsync(request with { Body = Encoding.UTF8.GetBytes(chatBody.ToJsonString()) }, cancellationToken);
        if (answer.StatusCode is < 200 or >= 300)
        {
            // Already an OpenAI error body with its status and the routing headers.
            return answer;
        }

        var response = new ResponseObject(ResponseIds.NewResponse(), time.GetUtcNow().ToUnixTimeSeconds(), parsed.Model, parsed.Echo);
        var conversation = new JsonArray();
        foreach (var m in history ?? [])
        {
            conversation.Add(m!.DeepClone());
        }

        foreach (var m in parsed.InputMessages)
        {
            conversation.Add(m!.DeepClone());
        }

        RouterResponse result;
        if (parsed.Stream)
        {
            var completion = answer.StreamBody is null ? ReadCompletion(answer) : null;
            result = new RouterResponse
            {
                StatusCode = 200,
                ContentType = Sse.ContentType,
                StreamBody = async (client, ct) =>
                {
                    var events = new ResponsesEventStream(client, response);
                    await (completion is null
                        ? ChatStreamTranslator.TranslateAsync(answer.StreamBody!, events, ct)
                        : ChatStreamTranslator.FromCompletionAsync(completion, events, ct));
                    await SaveAsync(parsed, tenant, events.Final, events.Answer, conversation, CancellationToken.None);
                },
            };
        }
        else
        {
            ChatAnswer completion;
            JsonObject final;
            if (answer.StreamBody is { } stream)
            {
                // A backend that streamed although not asked to: read the stream whole.
                var events = new ResponsesEventStream(Stream.Null, response);
                await ChatStreamTranslator.TranslateAsync(stream, events, cancellationToken);
                (completion, final) = (events.Answer, events.Final!);
            }
            else
            {
                completion = ReadCompletion(answer);
                final = response.Final(completion, response.Output(completion, "completed"));
            }

            await SaveAsync(parsed, tenant, final, completion, conversation, cancellationToken);
            result = RouterResponse.Json(200, Encoding.UTF8.GetBytes(final.ToJsonString()));
        }

        foreach (var (name, value) in answer.Headers)
        {
            result.Headers[name] = value;
        }

        return result;
    }

    private static ChatAnswer ReadCompletion(RouterResponse answer)
    {
        try
        {
            if (JsonNode.Parse(answer.Body.Span) is JsonObject completion)
            {
                return ChatAnswer.FromCompletion(completion);
            }
        }
        catch (JsonException)
        {
        }

        throw new RouterException(502, "upstream_error", "upstream_invalid_answer", "The backend's answer is not a chat completion.");
    }

    /// <summary>Stores a finished response for follow-ups and GET; a failed write is logged, the answer still goes out.</summary>
    private async Task SaveAsync(ResponsesRequest request, string tenant, JsonObject? final, ChatAnswer answer, JsonArray conversation, CancellationToken cancellationToken)
    {
        if (!request.Store || final is null || (string?)final["status"] == "failed")
        {
            return;
        }

        conversation.Add(answer.ToAssistantMessage());
        var ttl = ResponseStoreSettings.From(snapshots.Current.Config).Ttl;
        try
        {
            await store.SaveAsync(tenant, new StoredResponse((string)final["id"]!, time.GetUtcNow() + ttl, final, conversation), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A response could not be stored ({ExceptionType}); previous_response_id and GET will not find it")]
    private static partial void LogStoreFailed(ILogger logger, string exceptionType);
}
