using System.Collections.Concurrent;

namespace SemanticRouter.Core.Upstream;

/// <summary>
/// The process's backend health, keyed by model, backend name and URL, shared by every snapshot the config provider
/// compiles: a reload keeps the streaks and ejections of backends it keeps, and a backend whose URL changed starts
/// clean. One per router process (the snapshot provider owns it).
/// </summary>
public sealed class BackendHealthRegistry(TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<(string Model, string Backend, string Url), BackendHealth> _entries = new();

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public BackendHealth For(string model, string backend, Uri url) =>
        _entries.GetOrAdd((model, backend, url.AbsoluteUri), static (_, t) => new BackendHealth(t), Time);

    /// <summary>Forgets backends the new config no longer has, so the registry stays as large as the config.</summary>
    public void RetainOnly(IEnumerable<UpstreamModel> models)
    {
        var keep = models.SelectMany(m => m.Backends.Select(b => (m.Name, b.Name, b.RequestUri.AbsoluteUri))).ToHashSet();
        foreach (var key in _entries.Keys)
        {
            if (!keep.Contains(key))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
