namespace SemanticRouter.Core.Config;

/// <summary>`providers`: the logical models clients and decisions refer to, and where they live.</summary>
public sealed record ProvidersConfig(string? DefaultModel, IReadOnlyList<ModelConfig> Models)
{
    /// <summary><c>providers.defaults</c>: reasoning families and the default effort.</summary>
    public ReasoningSettings Reasoning { get; init; } = ReasoningSettings.Default;
}

/// <summary>The wire dialect of a backend.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI-compatible: vLLM, OpenAI, any `/v1/chat/completions` server.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: deployment path, `api-version` query, `api-key` header.</summary>
    AzureOpenAI,
}

/// <summary>`providers.models[]`: one logical model with weighted backends.</summary>
public sealed record ModelConfig(
    string Name,
    string ProviderModelId,
    IReadOnlyList<BackendRefConfig> BackendRefs,
    PricingConfig? Pricing,
    TimeSpan? Timeout,
    ReliabilityConfig Reliability)
{
    /// <summary><c>reasoning_family</c>: how reasoning is switched for this model; null writes nothing.</summary>
    public string? ReasoningFamily { get; init; }

    /// <summary><c>api_format</c>: the protocol of this model's backends; requests and answers are translated when it is not Chat Completions.</summary>
    public ApiFormat ApiFormat { get; init; }
}

/// <summary>`providers.models[].backend_refs[]`: one endpoint serving a model, with its auth.</summary>
public sealed record BackendRefConfig(
    string Name,
    Uri BaseUrl,
    int Weight,
    ProviderKind Provider,
    string? ApiKeyEnv,
    string AuthHeader,
    string AuthPrefix,
    string? ApiVersion,
    string? Deployment,
    string? ChatPath,
    IReadOnlyDictionary<string, string> ExtraHeaders);

/// <summary>`providers.models[].pricing`: cost per million tokens, for the cost metric.</summary>
public sealed record PricingConfig(string Currency, double PromptPer1M, double CompletionPer1M)
{
    /// <summary>
    /// <c>cached_input_per_1m</c>: the price of prompt tokens the backend reports as served from its prompt cache
    /// (<c>usage.prompt_tokens_details.cached_tokens</c>); null prices them as ordinary prompt tokens.
    /// </summary>
    public double? CachedInputPer1M { get; init; }

    /// <summary>The cost of one answer's usage: cached prompt tokens at the cached price, the rest at the prompt price.</summary>
    public double Cost(long promptTokens, long cachedPromptTokens, long completionTokens)
    {
        // Cached tokens are part of prompt_tokens in the OpenAI usage shape; a report claiming more is capped.
        var cached = Math.Clamp(cachedPromptTokens, 0, promptTokens);
        return (((promptTokens - cached) * PromptPer1M) + (cached * (CachedInputPer1M ?? PromptPer1M)) + (completionTokens * CompletionPer1M)) / 1_000_000d;
    }
}
