using System.Collections.Concurrent;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// The request and token budgets of each key, created on first use and replaced when a config
/// reload changes a key's limits. Budgets are per router instance (scale-out multiplies them).
/// </summary>
internal sealed class KeyLimits(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public (WindowLimiter? Requests, WindowLimiter? Tokens) For(ApiKey key)
    {
        if (key.RequestsPerMinute is null && key.TokensPerMinute is null)
        {
            return (null, null);
        }

        var entry = _entries.AddOrUpdate(
            key.Id,
            _ => Create(key),
            (_, existing) =>
            {
                if (existing.RequestsPerMinute == key.RequestsPerMinute && existing.TokensPerMinute == key.TokensPerMinute)
                {
                    return existing;
                }

                // The old budgets are dropped, not disposed: a request in flight may still hold them.
                return Create(key);
            });
        return (entry.Requests, entry.Tokens);
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Dispose();
        }
    }

    private Entry Create(ApiKey key) => new(
        key.RequestsPerMinute,
        key.TokensPerMinute,
        key.RequestsPerMinute is { } r ? new WindowLimiter(r, time) : null,
        key.TokensPerMinute is { } t ? new WindowLimiter(t, time) : null);

    private sealed record Entry(int? RequestsPerMinute, long? TokensPerMinute, WindowLimiter? Requests, WindowLimiter? Tokens) : IDisposable
    {
        public void Dispose()
        {
            Requests?.Dispose();
            Tokens?.Dispose();
        }
    }
}
