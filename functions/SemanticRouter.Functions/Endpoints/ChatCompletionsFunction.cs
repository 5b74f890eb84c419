using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>: the routed, OpenAI-compatible endpoint.</summary>
internal sealed class ChatCompletionsFunction(RouterPipeline pipeline) : IRouterFunction
{
    public string Name => "ChatCompletions";

    public string Route => "v1/chat/completions";

    public IReadOnlyList<string> Methods => ["POST"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken) =>
        pipeline.ChatCompletionsAsync(request, cancellationToken);
}
