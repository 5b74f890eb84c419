namespace SemanticRouter.Core.Config;

/// <summary><c>providers.models[].api_format</c>: the wire protocol the model's backends speak.</summary>
public enum ApiFormat
{
    /// <summary>OpenAI Chat Completions (the default): requests go upstream as they are routed.</summary>
    ChatCompletions,

    /// <summary>Anthropic Messages: requests are translated to <c>POST {base}/v1/messages</c> and the answers back.</summary>
    Anthropic,
}
