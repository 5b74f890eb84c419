using System.Collections.Concurrent;

namespace SemanticRouter.Async.HaluGate;

/// <summary>Standalone store without storage: results for the most recent requests, bounded by count.</summary>
internal sealed class InMemoryAuditStore(int capacity = 10_000) : IAuditStore
{
    private readonly ConcurrentDictionary<string, AuditResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public Task<AuditResult?> GetAsync(string requestId, CancellationToken cancellationToken) =>
        Task.FromResult(_results.GetValueOrDefault(requestId));

    public Task<bool> TryAddAsync(AuditResult result, CancellationToken cancellationToken)
    {
        if (!_results.TryAdd(result.RequestId, result))
        {
            return Task.FromResult(false);
        }

        _order.Enqueue(result.RequestId);
        while (_results.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _results.TryRemove(oldest, out _);
        }

        return Task.FromResult(true);
    }
}
