using System.Collections.Concurrent;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Signals;

/// <summary>
/// What signals see of a request. Expensive derived features (an embedding of the prompt, one
/// shared-encoder pass) are computed once per request through <see cref="GetOrAddFeature{T}"/>
/// even though evaluators run concurrently.
/// </summary>
public sealed class SignalContext(ChatRequest request, IReadOnlyDictionary<string, string> headers)
{
    // Created on first use: keyword-only routing never needs it, and it is not cheap to allocate.
    private ConcurrentDictionary<string, object>? _features;

    public ChatRequest Request { get; } = request;

    /// <summary>Trusted request headers (lower-case names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    private ConcurrentDictionary<string, object> Features =>
        LazyInitializer.EnsureInitialized(ref _features, static () => new(StringComparer.Ordinal));

    public Task<T> GetOrAddFeature<T>(string key, Func<Task<T>> factory) =>
        ((Lazy<Task<T>>)Features.GetOrAdd(key, static (_, f) => new Lazy<Task<T>>(f), factory)).Value;
}
