using System.Threading.RateLimiting;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// A per-minute budget (requests or tokens) over a <see cref="TokenBucketRateLimiter"/> that refills
/// completely at each window boundary. Replenishment is driven here rather than by the limiter's
/// timer, so the reset time reported in <c>x-ratelimit-reset*</c> is exact.
/// </summary>
internal sealed class WindowLimiter : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TokenBucketRateLimiter _bucket;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset _windowEnd;

    public WindowLimiter(long limit, TimeProvider time)
    {
        Limit = limit;
        _time = time;
        var permits = (int)Math.Min(limit, int.MaxValue);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = Window,
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        _windowEnd = time.GetUtcNow() + Window;
    }

    public long Limit { get; }

    public long Remaining
    {
        get
        {
            Roll();
            return _bucket.GetStatistics()?.CurrentAvailablePermits ?? 0;
        }
    }

    public TimeSpan ResetIn
    {
        get
        {
            Roll();
            var left = _windowEnd - _time.GetUtcNow();
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>Takes <paramref name="permits"/> now or refuses (nothing is queued).</summary>
    public bool TryAcquire(int permits = 1)
    {
        Roll();
        using var lease = _bucket.AttemptAcquire(permits);
        return lease.IsAcquired;
    }

    /// <summary>Charges usage known only afterwards (tokens): takes what is there, down to zero.</summary>
    public void Charge(long permits)
    {
        Roll();
        var take = (int)Math.Min(permits, Remaining);
        if (take > 0)
        {
            using var _ = _bucket.AttemptAcquire(take);
        }
    }

    public void Dispose() => _bucket.Dispose();

    private void Roll()
    {
        var now = _time.GetUtcNow();
        if (now < _windowEnd)
        {
            return;
        }

        lock (_gate)
        {
            if (now < _windowEnd)
            {
                return;
            }

            _bucket.TryReplenish();
            while (_windowEnd <= now)
            {
                _windowEnd += Window;
            }
        }
    }
}
