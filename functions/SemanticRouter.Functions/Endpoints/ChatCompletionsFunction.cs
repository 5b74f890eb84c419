using SemanticRouter.Async.Feedback;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the routed, OpenAI-compatible endpoint. It remembers which model and decision
/// served each request id, so <c>POST /v1/feedback</c> can attribute a rating without the client echoing them.
/// </summary>
internal sealed class ChatCompletionsFunction(RouterPipeline pipeline, IRequestAttributions? attributions = null) : IRouterFunction
{
    public string Name => "ChatCompletions";

    public string Route => "v1/chat/completions";

    public IReadOnlyList<string> Methods => ["POST"];

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var response = await pipeline.ChatCompletionsAsync(request, cancellationToken);
        var headers = response.Headers;
        if (attributions is not null && response.StatusCode < 400
            && headers.TryGetValue(VsrHeaders.SelectedModel, out var model) && headers.TryGetValue(VsrHeaders.RequestId, out var id))
        {
            attributions.Record(id, model, headers.GetValueOrDefault(VsrHeaders.SelectedDecision));
        }

        return response;
    }
}
