using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Upstream;

/// <summary>A backend resolved for sending: the URL requests go to (by the model's api_format) and the auth header value (from the environment).</summary>
public sealed class UpstreamBackend
{
    public UpstreamBackend(BackendRefConfig config, string providerModelId, Func<string, string?> environment, Func<Uri, BackendHealth> health, ApiFormat format = ApiFormat.ChatCompletions)
    {
        Config = config;
        RequestUri = BuildUri(config, providerModelId, format);
        Health = health(RequestUri);
        var key = config.ApiKeyEnv is null ? null : environment(config.ApiKeyEnv);
        AuthHeaderValue = string.IsNullOrEmpty(key) ? null : config.AuthPrefix + key;
        MissingApiKey = config.ApiKeyEnv is not null && AuthHeaderValue is null;
    }

    public BackendRefConfig Config { get; }

    public string Name => Config.Name;

    public int Weight => Config.Weight;

    /// <summary>Where requests are POSTed: <c>{base}/chat/completions</c>, Azure's deployment path, or <c>{base}/v1/messages</c>.</summary>
    public Uri RequestUri { get; }

    public string? AuthHeaderValue { get; }

    /// <summary>Live health, shared with the same backend in earlier and later snapshots.</summary>
    public BackendHealth Health { get; }

    /// <summary>True when <c>api_key_env</c> names a variable that is not set (reported at load).</summary>
    public bool MissingApiKey { get; }

    private static Uri BuildUri(BackendRefConfig b, string providerModelId, ApiFormat format)
    {
        var baseText = b.BaseUrl.AbsoluteUri.TrimEnd('/');
        if (format == ApiFormat.Anthropic)
        {
            // Anthropic SDKs take the API root (https://api.anthropic.com) and add /v1/messages; a base that already
            // ends in /v1, as OpenAI-style base URLs do, is accepted too.
            var messages = baseText.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? "/messages" : "/v1/messages";
            return new Uri(baseText + (b.ChatPath ?? messages));
        }

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
