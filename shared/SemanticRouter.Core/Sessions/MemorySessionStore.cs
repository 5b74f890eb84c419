using System.Globalization;

namespace SemanticRouter.Core.Sessions;

/// <summary>
/// Sticky choices in this process: at most <c>max_entries</c> conversations (the least recently used go first, after
/// any expired ones), each until its TTL. Right for the standalone server and one-instance apps; a scaled-out
/// function app wants the <c>table</c> store so every instance sees the same choice.
/// </summary>
public sealed class MemorySessionStore(Func<int> maxEntries, TimeProvider? time = null) : ISessionStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Most recently used first; the tail is evicted when the store is full.
    private readonly LinkedList<Entry> _recency = new();
    private readonly object _gate = new();
    private long _nextVersion;

    public string Name => "memory";

    /// <summary>Live conversations held (expired ones linger until touched or evicted).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<StoredSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult<StoredSession?>(null);
            }

            if (node.Value.Record.ExpiresAt <= now)
            {
                Remove(node);
                return ValueTask.FromResult<StoredSession?>(null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return ValueTask.FromResult<StoredSession?>(new StoredSession(node.Value.Record, node.Value.Version));
        }
    }

    public ValueTask<bool> TryWriteAsync(string key, SessionRecord record, string? expectedVersion, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var exists = _entries.TryGetValue(key, out var node);
            var live = exists && node!.Value.Record.ExpiresAt > now;
            var allowed = expectedVersion is null ? !live : live && node!.Value.Version == expectedVersion;
            if (!allowed)
            {
                return ValueTask.FromResult(false);
            }

            if (exists)
            {
                Remove(node!);
            }

            var entry = new Entry(key, record, (++_nextVersion).ToString(CultureInfo.InvariantCulture));
            _entries[key] = _recency.AddFirst(entry);
            Trim(now, Math.Max(1, maxEntries()));
            return ValueTask.FromResult(true);
        }
    }

    private void Trim(DateTimeOffset now, int limit)
    {
        if (_entries.Count <= limit)
        {
            return;
        }

        // Expired entries go before live ones; one pass over the list, only when the bound is exceeded.
        for (var node = _recency.Last; node is not null && _entries.Count > limit;)
        {
            var previous = node.Previous;
            if (node.Value.Record.ExpiresAt <= now)
            {
                Remove(node);
            }

            node = previous;
        }

        while (_entries.Count > limit && _recency.Last is { } last)
        {
            Remove(last);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
    }

    private sealed record Entry(string Key, SessionRecord Record, string Version);
}
