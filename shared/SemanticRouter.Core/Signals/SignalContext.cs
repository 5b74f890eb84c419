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
    private readonly ConcurrentDictionary<string, object> _features = new(StringComparer.Ordinal);

    public ChatRequest Request { get; } = request;

    /// <summary>Trusted request headers (lower-case names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public Task<T> GetOrAddFeature<T>(string key, Func<Task<T>> factory) =>
        ((Lazy<Task<T>>)_features.GetOrAdd(key, static (_, f) => new Lazy<Task<T>>(f), factory)).Value;
}
