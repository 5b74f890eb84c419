namespace SemanticRouter.Functions.Responses.Store;

/// <summary>
/// The standalone store: responses in process memory, bounded by <c>max_entries</c>, <c>max_bytes</c> (the stored
/// documents' total size) and <c>ttl_seconds</c>; the oldest are dropped first. Lost on restart, not shared between
/// instances (use <c>blob</c> for that). Bounds are read per write, so a config reload applies them.
/// </summary>
internal sealed class MemoryResponseStore(Func<ResponseStoreSettings> settings, TimeProvider time) : IResponseStore
{
    private readonly Dictionary<(string Tenant, string Id), LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _oldestFirst = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public Task SaveAsync(string tenant, StoredResponse response, CancellationToken cancellationToken)
    {
        var limits = settings();
        var document = response.ToUtf8();
        lock (_lock)
        {
            Remove((tenant, response.Id));
            if (document.Length > limits.MaxBytes)
            {
                // Larger than the whole store: keeping it would evict everything else.
                return Task.CompletedTask;
            }

            var now = time.GetUtcNow();
            while (_oldestFirst.First is { } oldest && (oldest.Value.ExpiresAt <= now || _byKey.Count >= limits.MaxEntries || _bytes + document.Length > limits.MaxBytes))
            {
                Remove(oldest.Value.Key);
            }

            _byKey[(tenant, response.Id)] = _oldestFirst.AddLast(new Entry((tenant, response.Id), document, response.ExpiresAt));
            _bytes += document.Length;
        }

        return Task.CompletedTask;
    }

    public Task<StoredResponse?> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        byte[]? document = null;
        lock (_lock)
        {
            if (_byKey.TryGetValue((tenant, id), out var node))
            {
                if (node.Value.ExpiresAt <= time.GetUtcNow())
                {
                    Remove(node.Value.Key);
                }
                else
                {
                    document = node.Value.Document;
                }
            }
        }

        // Parsed outside the lock, and afresh each time, so no caller can change what is stored.
        return Task.FromResult(document is null ? null : StoredResponse.FromUtf8(document));
    }

    public Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue((tenant, id), out var node))
            {
                return Task.FromResult(false);
            }

            var live = node.Value.ExpiresAt > time.GetUtcNow();
            Remove(node.Value.Key);
            return Task.FromResult(live);
        }
    }

    private void Remove((string Tenant, string Id) key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _oldestFirst.Remove(node);
            _bytes -= node.Value.Document.Length;
        }
    }

    private sealed record Entry((string Tenant, string Id) Key, byte[] Document, DateTimeOffset ExpiresAt);
}
