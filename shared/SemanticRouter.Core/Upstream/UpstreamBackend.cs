using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Upstream;

/// <summary>A backend resolved for sending: the chat-completions URL and the auth header value (from the environment).</summary>
public sealed class UpstreamBackend
{
    public UpstreamBackend(BackendRefConfig config, string providerModelId, Func<string, string?> environment, Func<Uri, BackendHealth> health)
    {
        Config = config;
        ChatCompletionsUri = BuildUri(config, providerModelId);
        Health = health(ChatCompletionsUri);
        var key = config.ApiKeyEnv is null ? null : environment(config.ApiKeyEnv);
        AuthHeaderValue = string.IsNullOrEmpty(key) ? null : config.AuthPrefix + key;
        MissingApiKey = config.ApiKeyEnv is not null && AuthHeaderValue is null;
    }

    public BackendRefConfig Config { get; }

    public string Name => Config.Name;

    public int Weight => Config.Weight;

    public Uri ChatCompletionsUri { get; }

    public string? AuthHeaderValue { get; }

    /// <summary>Live health, shared with the same backend in earlier and later snapshots.</summary>
    public BackendHealth Health { get; }

    /// <summary>True when <c>api_key_env</c> names a variable that is not set (reported at load).</summary>
    public bool MissingApiKey { get; }

    private static Uri BuildUri(BackendRefConfig b, string providerModelId)
    {
        var baseText = b.BaseUrl.AbsoluteUri.TrimEnd('/');
        if (b.Provider == ProviderKind.AzureOpenAI)
        {
            if (baseText.EndsWith("/openai", StringComparison.OrdinalIgnoreCase))
            {
                baseText = baseText[..^"/openai".Length];
            }

            var deployment = Uri.EscapeDataString(b.Deployment ?? providerModelId);
            var path = b.ChatPath ?? $"/openai/deployments/{deployment}/chat/completions";
            return new Uri($"{baseText}{path}?api-version={Uri.EscapeDataString(b.ApiVersion!)}");
        }

        return new Uri(baseText + (b.ChatPath ?? "/chat/completions"));
    }
}
