using System.Collections.Concurrent;

namespace SemanticRouter.Signals.Models;

/// <summary>
/// A value built once per model folder (language profiles, the PII detector over its token classifier), so a
/// refreshed version can be built beside the one serving requests and the old one dropped afterwards.
/// </summary>
internal sealed class PerFolder<T>(Func<string, T> create)
    where T : class
{
    private readonly ConcurrentDictionary<string, Lazy<T>> _values = new(StringComparer.Ordinal);

    public T For(string folder) =>
        _values.GetOrAdd(folder, f => new Lazy<T>(() => create(f), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public void Release(string folder) => _values.TryRemove(folder, out _);
}
