using System.Collections.Concurrent;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// A per-process map from request id to (model, decision), bounded by count and age: when full,
/// the oldest entries go first. It lives in the instance that served the request, so on a
/// scaled-out deployment feedback should echo <c>model</c>/<c>decision</c> (the response headers)
/// or land on the same instance; see docs/feedback.md.
/// </summary>
internal sealed class BoundedRequestAttributions(int capacity = 100_000, TimeSpan? maxAge = null, TimeProvider? time = null) : IRequestAttributions
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly TimeSpan _maxAge = maxAge ?? TimeSpan.FromHours(24);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // ConcurrentDictionary.Count takes every bucket lock; reading it on each request serialised
    // the whole request path under concurrency, so the size is tracked here instead.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Record(string requestId, string model, string? decision)
    {
        if (!Identifiers.IsValid(requestId))
        {
            return;
        }

        if (_entries.TryAdd(requestId, new Entry(new RequestAttribution(model, decision), _time.GetUtcNow())))
        {
            _order.Enqueue(requestId);
            Interlocked.Increment(ref _count);
        }

        while (Volatile.Read(ref _count) > capacity && _order.TryDequeue(out var oldest))
        {
            if (_entries.TryRemove(oldest, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    public bool TryGet(string requestId, out RequestAttribution attribution)
    {
        if (_entries.TryGetValue(requestId, out var entry) && _time.GetUtcNow() - entry.At <= _maxAge)
        {
            attribution = entry.Attribution;
            return true;
        }

        attribution = default;
        return false;
    }

    private readonly record struct Entry(RequestAttribution Attribution, DateTimeOffset At);
}
