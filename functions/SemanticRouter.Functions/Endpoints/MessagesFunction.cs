using System.Text;
using SemanticRouter.Core.Anthropic;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>POST /v1/messages</c>: the Anthropic Messages front door. The request is translated into a Chat Completions
/// request and run through the chat door itself (signals, decisions, plugins, cache, PII, jailbreak, failover,
/// feedback attribution: one pipeline, no copy of its logic); the answer, streamed or not, is translated back
/// into Anthropic's shapes with the same <c>x-vsr-*</c> headers. <c>x-api-key</c> authenticates as any API key
/// does; <c>anthropic-version</c> is accepted and not needed (one wire version is spoken).
/// </summary>
internal sealed class MessagesFunction(ChatCompletionsFunction chat, IRouterSnapshotSource snapshots, RouterMetrics? metrics = null) : IRouterFunction
{
    public string Name => "Messages";

    public string Route => "v1/messages";

    public IReadOnlyList<string> Methods => ["POST"];

    public RouterResponse Error(RouterException e) => Error(e.StatusCode, e.Message, null);

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        MessagesRequest parsed;
        try
        {
            parsed = MessagesRequest.Parse(request.Body.Span, snapshots.Current.Config.Global.Router.MaxMessages);
        }
        catch (RouterException e)
        {
            // Refused before the chat door sees it: counted here as the chat door counts its own client errors.
            metrics?.Error("none", e.Code);
            var requestId = RequestIds.From(request.Headers);
            var refused = Error(e.StatusCode, e.Message, requestId);
            refused.Headers[VsrHeaders.RequestId] = requestId;
            return refused;
        }

        var answer = await chat.InvokeAsync(request with { Body = parsed.SerializeChat() }, cancellationToken).ConfigureAwait(false);
        var translated = Translate(answer, parsed);
        foreach (var (name, value) in answer.Headers)
        {
            translated.Headers[name] = value;
        }

        return translated;
    }

    private static RouterResponse Translate(RouterResponse answer, MessagesRequest request)
    {
        if (answer.StreamBody is { } chatStream)
        {
            return new RouterResponse
            {
                StatusCode = answer.StatusCode,
                ContentType = Sse.ContentType,
                StreamBody = async (client, ct) =>
                {
                    var events = new MessagesEventStream(client, new MessagesStreamTranslator(request.Model));
                    await chatStream(events, ct).ConfigureAwait(false);
                    await events.CompleteAsync(ct).ConfigureAwait(false);
                },
            };
        }

        var requestId = answer.Headers.GetValueOrDefault(VsrHeaders.RequestId);
        if (answer.StatusCode is < 200 or >= 300)
        {
            return RouterResponse.Json(answer.StatusCode, AnthropicError.FromOpenAIBody(answer.StatusCode, answer.Body.Span, requestId));
        }

        if (MessagesResponse.FromChatCompletion(answer.Body.Span) is not { } message)
        {
            return Error(502, "The backend's answer was not a chat completion the router could translate.", requestId);
        }

        if (!request.Stream)
        {
            return RouterResponse.Json(answer.StatusCode, Encoding.UTF8.GetBytes(message.ToJsonString()));
        }

        // A whole answer to a streaming request (a cache hit or a router-authored one): replayed as the event sequence.
        var sse = new StringBuilder();
        MessagesStreamTranslator.FromMessage(message, sse);
        var bytes = Encoding.UTF8.GetBytes(sse.ToString());
        return new RouterResponse
        {
            StatusCode = answer.StatusCode,
            ContentType = Sse.ContentType,
            StreamBody = async (client, ct) =>
            {
                await client.WriteAsync(bytes, ct).ConfigureAwait(false);
                await client.FlushAsync(ct).ConfigureAwait(false);
            },
        };
    }

    private static RouterResponse Error(int status, string message, string? requestId) =>
        RouterResponse.Json(status, AnthropicError.Body(AnthropicError.TypeFor(status), message, requestId));
}
