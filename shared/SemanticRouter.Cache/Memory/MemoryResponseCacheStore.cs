using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Memory.Eviction;
using SemanticRouter.Cache.Memory.Vectors;
using SemanticRouter.Cache.Storage;

namespace SemanticRouter.Cache.Memory;

/// <summary>
/// The per-instance store: an exact-key hash map plus one vector index per partition (brute force,
/// then HNSW for large partitions), bounded by <see cref="MemoryStoreOptions.MaxEntries"/> and
/// <see cref="MemoryStoreOptions.MaxBytes"/> with the configured eviction policy and per-entry TTL. Lookups share a reader lock; writes, evictions and
/// expiry removal take the writer lock; hit bookkeeping for LRU/LFU has its own small lock so
/// concurrent hits do not serialise on the index.
/// </summary>
internal sealed class MemoryResponseCacheStore : IResponseCacheStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly MemoryStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _evictionGate = new();
    private readonly IEvictionPolicy _eviction;
    private readonly Dictionary<string, MemoryCacheEntry> _byExact = new(StringComparer.Ordinal);
    private readonly Dictionary<long, MemoryCacheEntry> _byId = [];
    private readonly Dictionary<string, AdaptiveVectorIndex> _partitions = new(StringComparer.Ordinal);
    private long _nextId;
    private long _bytes;
    private long _evictions;
    private long _expirations;
    private long _nextSweepTicks;

    public MemoryResponseCacheStore(MemoryStoreOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _eviction = EvictionPolicies.Create(options.Eviction);
        _nextSweepTicks = Now + SweepInterval.Ticks;
    }

    public string Backend => "memory";

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _byId.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The estimated bytes the entries hold (<see cref="MemoryCacheEntry.EstimatedBytes"/>), what <c>max_bytes</c> bounds.</summary>
    internal long EstimatedBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _bytes;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    public ValueTask<CacheHit?> FindExactAsync(CacheKey key, CancellationToken cancellationToken)
    {
        MemoryCacheEntry? entry;
        _lock.EnterReadLock();
        try
        {
            _byExact.TryGetValue(key.Exact, out entry);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return ValueTask.FromResult(Hit(entry, 1.0, exact: true));
    }

    public ValueTask<CacheHit?> FindSimilarAsync(CacheKey key, float[] embedding, double threshold, CancellationToken cancellationToken)
    {
        MemoryCacheEntry? entry = null;
        var similarity = 0.0;
        _lock.EnterReadLock();
        try
        {
            if (_partitions.TryGetValue(key.Partition, out var index))
            {
                var best = index.Nearest(embedding);
                if (best.Found && best.Similarity >= threshold &&
                    _byId.GetValueOrDefault(best.Id) is { } candidate && NearMissGuard.Allows(candidate.Key.Terms, key.Terms, key.StrictTerms))
                {
                    entry = candidate;
                    similarity = best.Similarity;
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return ValueTask.FromResult(Hit(entry, Math.Min(similarity, 1.0), exact: false));
    }

    public ValueTask WriteAsync(CacheKey key, float[]? embedding, byte[] completion, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = Now;
        _lock.EnterWriteLock();
        try
        {
            if (_byExact.TryGetValue(key.Exact, out var previous))
            {
                RemoveLocked(previous);
            }

            if (now >= _nextSweepTicks)
            {
                SweepExpiredLocked(now);
            }

            var entry = new MemoryCacheEntry(_nextId + 1, key, completion, now + ttl.Ticks, embedding?.Length ?? 0);
            if (entry.EstimatedBytes > _options.MaxBytes)
            {
                // An answer larger than the whole budget is not cached (it would evict everything and still not fit).
                return ValueTask.CompletedTask;
            }

            // Make room before inserting, so a fresh entry (no hits yet) is not LFU's first victim.
            while (_byId.Count >= _options.MaxEntries || _bytes + entry.EstimatedBytes > _options.MaxBytes)
            {
                long? victim;
                lock (_evictionGate)
                {
                    victim = _eviction.Victim();
                }

                if (victim is null || !_byId.TryGetValue(victim.Value, out var evicted))
                {
                    break;
                }

                RemoveLocked(evicted);
                _evictions++;
            }

            _nextId = entry.Id;
            _bytes += entry.EstimatedBytes;
            _byExact[key.Exact] = entry;
            _byId[entry.Id] = entry;
            if (embedding is not null)
            {
                if (!_partitions.TryGetValue(key.Partition, out var index))
                {
                    index = new AdaptiveVectorIndex(embedding.Length, _options.AnnMinEntries, _options.Hnsw);
                    _partitions[key.Partition] = index;
                }

                index.Add(entry.Id, embedding);
            }

            lock (_evictionGate)
            {
                _eviction.Added(entry.Id);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> InvalidateAsync(CacheInvalidation filter, CancellationToken cancellationToken)
    {
        _lock.EnterWriteLock();
        try
        {
            var matches = _byId.Values.Where(e =>
                (filter.Tenant is null || e.Key.Tenant == filter.Tenant) &&
                (filter.User is null || e.Key.User == filter.User) &&
                (filter.Model is null || e.Key.Model == filter.Model)).ToList();
            foreach (var entry in matches)
            {
                RemoveLocked(entry);
            }

            return ValueTask.FromResult((long)matches.Count);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public ValueTask<CacheStoreInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        _lock.EnterWriteLock();
        try
        {
            SweepExpiredLocked(Now);
            return ValueTask.FromResult(new CacheStoreInfo(Backend, _byId.Count, _evictions, _expirations, 0));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public ValueTask DisposeAsync()
    {
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }

    private CacheHit? Hit(MemoryCacheEntry? entry, double similarity, bool exact)
    {
        if (entry is null)
        {
            return null;
        }

        if (entry.IsExpired(Now))
        {
            Expire(entry);
            return null;
        }

        lock (_evictionGate)
        {
            _eviction.Accessed(entry.Id);
        }

        return new CacheHit(entry.Completion, similarity, exact);
    }

    private void Expire(MemoryCacheEntry entry)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_byId.TryGetValue(entry.Id, out var current) && ReferenceEquals(current, entry))
            {
                RemoveLocked(entry);
                _expirations++;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void SweepExpiredLocked(long now)
    {
        _nextSweepTicks = now + SweepInterval.Ticks;
        var expired = _byId.Values.Where(e => e.IsExpired(now)).ToList();
        foreach (var entry in expired)
        {
            RemoveLocked(entry);
            _expirations++;
        }
    }

    private void RemoveLocked(MemoryCacheEntry entry)
    {
        if (_byId.Remove(entry.Id))
        {
            _bytes -= entry.EstimatedBytes;
        }

        if (_byExact.TryGetValue(entry.Key.Exact, out var current) && ReferenceEquals(current, entry))
        {
            _byExact.Remove(entry.Key.Exact);
        }

        if (entry.HasVector && _partitions.TryGetValue(entry.Key.Partition, out var index))
        {
            index.Remove(entry.Id);
            if (index.Count == 0)
            {
                _partitions.Remove(entry.Key.Partition);
            }
        }

        lock (_evictionGate)
        {
            _eviction.Removed(entry.Id);
        }
    }
}
