using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Plugins.FastResponse;

/// <summary>
/// <c>fast_response</c>: answers with a canned <c>chat.completion</c> (or an SSE stream when the client
/// streams) without calling any backend. Blocking decisions use it.
/// </summary>
public sealed class FastResponsePlugin(string message) : IRoutePlugin
{
    public const string ResponsePath = "fast_response";

    public string Type => Factory.TypeName;

    public ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<RouterResponse?>(Answer(context, message, "router", "stop"));

    /// <summary>Builds a router-authored answer, streamed when the client asked for a stream.</summary>
    public static RouterResponse Answer(RoutingContext context, string content, string model, string finishReason)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = "chatcmpl-fast-" + context.RequestId;
        RouterResponse response = context.Request.Stream
            ? new RouterResponse
            {
                StatusCode = 200,
                ContentType = Sse.ContentType,
                StreamBody = (stream, ct) => Sse.WriteAllAsync(stream, ChatCompletionFactory.Chunks(id, model, content, finishReason, created), ct),
            }
            : RouterResponse.Json(200, ChatCompletionFactory.Completion(id, model, content, finishReason, created));
        response.Headers["x-vsr-fast-response"] = "true";
        response.Headers["x-vsr-response-path"] = ResponsePath;
        return response;
    }

    /// <summary>Binds <c>{message}</c>.</summary>
    public sealed class Factory : IPluginFactory
    {
        public const string TypeName = "fast_response";

        public string Type => TypeName;

        public IReadOnlyList<string> Aliases => ["fast-response"];

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("message", "enabled");
            return configuration.String("message", required: true);
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context) => new FastResponsePlugin((string)settings);
    }
}
