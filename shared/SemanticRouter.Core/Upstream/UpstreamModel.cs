using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Upstream;

/// <summary>
/// A logical model with its resolved backends: the order each request tries them in (load-balancing policy, ejected
/// backends left out) and the passive outlier detection that ejects a backend after consecutive failures.
/// </summary>
public sealed class UpstreamModel
{
    private readonly UpstreamBackend[] _backends;
    private readonly long[] _roundRobinCurrent;
    private readonly Lock _gate = new();

    public UpstreamModel(ModelConfig config, Func<string, string?> environment, BackendHealthRegistry? health = null)
    {
        Config = config;
        var registry = health ?? new BackendHealthRegistry();
        _backends = config.BackendRefs.Select(b => new UpstreamBackend(b, config.ProviderModelId, environment, url => registry.For(config.Name, b.Name, url), config.ApiFormat)).ToArray();
        _roundRobinCurrent = new long[_backends.Length];
    }

    public ModelConfig Config { get; }

    public string Name => Config.Name;

    public ReliabilityConfig Reliability => Config.Reliability;

    public IReadOnlyList<UpstreamBackend> Backends => _backends;

    /// <summary>
    /// Backends for one request: the first chosen by the model's <c>lb_policy</c>, the rest (retries) in weighted
    /// random order, zero-weight backends last as standbys. Ejected and unhealthy backends are left out, unless
    /// none is left in rotation (then all take part, as Envoy's panic mode does: better a slim chance than none).
    /// With <c>retry_count</c> the list is cut, or cycled, to exactly <c>1 + retry_count</c> tries.
    /// </summary>
    public UpstreamBackend[] OrderForRequest()
    {
        var pool = _backends;
        var available = 0;
        foreach (var backend in _backends)
        {
            available += backend.Health.IsAvailable ? 1 : 0;
        }

        if (available > 0 && available < _backends.Length)
        {
            pool = Array.FindAll(_backends, b => b.Health.IsAvailable);
        }

        var order = pool.Length == 1 ? [pool[0]] : Order(pool);
        if (Reliability.RetryCount is not { } retries || retries + 1 == order.Length)
        {
            return order;
        }

        var tries = new UpstreamBackend[retries + 1];
        for (var i = 0; i < tries.Length; i++)
        {
            tries[i] = order[i % order.Length];
        }

        return tries;
    }

    /// <summary>
    /// Feeds one attempt's outcome to passive outlier detection. Returns how long the backend was ejected for when
    /// this failure ejected it, else null. A failure is a 5xx answer, a first-byte timeout or a connection that
    /// could not be made or broke; 4xx and 429 answers are the backend working, and a try cut short by the request's
    /// overall budget says nothing about the backend.
    /// </summary>
    public TimeSpan? RecordOutcome(UpstreamBackend backend, string outcome)
    {
        var r = Reliability;
        if (!IsFailure(outcome))
        {
            if (outcome != "budget_exhausted")
            {
                backend.Health.RecordSuccess(r.BaseEjectionTime);
            }

            return null;
        }

        var streak = backend.Health.RecordFailure();
        if (!r.EjectionEnabled || streak < r.Consecutive5xx)
        {
            return null;
        }

        lock (_gate)
        {
            if (!backend.Health.IsAvailable || backend.Health.ConsecutiveFailures < r.Consecutive5xx)
            {
                return null; // another request ejected it (or it recovered) meanwhile
            }

            var outOfRotation = 0;
            foreach (var b in _backends)
            {
                outOfRotation += b.Health.IsAvailable ? 0 : 1;
            }

            // Never the last backend in rotation; beyond that, Envoy's rule: max_ejection_percent of the backends,
            // but always at least one.
            var inRotation = _backends.Length - outOfRotation;
            var allowed = Math.Max(1, _backends.Length * r.MaxEjectionPercent / 100);
            if (inRotation <= 1 || outOfRotation >= allowed)
            {
                return null;
            }

            return backend.Health.Eject(r.BaseEjectionTime, r.MaxEjectionTime);
        }
    }

    /// <summary>Whether a failed try with this outcome is followed by another (<c>retry_on</c>).</summary>
    public bool ShouldRetry(string outcome)
    {
        var on = Reliability.RetryOn;
        if (outcome == "budget_exhausted")
        {
            return false;
        }

        if (outcome is "connect_error" or "dns_error")
        {
            return (on & RetryOn.ConnectFailure) != 0;
        }

        if (outcome is "transport_error")
        {
            return (on & (RetryOn.Reset | RetryOn.ServerError | RetryOn.GatewayError)) != 0;
        }

        if (outcome is "timeout")
        {
            return (on & (RetryOn.ServerError | RetryOn.GatewayError)) != 0;
        }

        if (outcome == "429")
        {
            return (on & RetryOn.RateLimited) != 0;
        }

        return outcome switch
        {
            "502" or "503" or "504" => (on & (RetryOn.ServerError | RetryOn.GatewayError)) != 0,
            _ => (on & RetryOn.ServerError) != 0,
        };
    }

    private static bool IsFailure(string outcome) => outcome switch
    {
        "timeout" or "connect_error" or "dns_error" or "transport_error" => true,
        _ => outcome.Length == 3 && outcome[0] == '5',
    };

    private UpstreamBackend[] Order(UpstreamBackend[] pool)
    {
        var remaining = new List<UpstreamBackend>(pool);
        var order = new UpstreamBackend[pool.Length];
        var first = Reliability.LbPolicy switch
        {
            LoadBalancingPolicy.RoundRobin => RoundRobinPick(pool),
            LoadBalancingPolicy.LeastRequest => LeastRequestPick(remaining),
            _ => WeightedPick(remaining),
        };
        order[0] = first;
        remaining.Remove(first);
        for (var i = 1; i < order.Length; i++)
        {
            order[i] = WeightedPick(remaining);
            remaining.Remove(order[i]);
        }

        return order;
    }

    private static UpstreamBackend WeightedPick(List<UpstreamBackend> candidates)
    {
        var total = 0;
        foreach (var c in candidates)
        {
            total += c.Weight;
        }

        if (total == 0)
        {
            return candidates[0];
        }

        var r = Random.Shared.Next(total);
        foreach (var c in candidates)
        {
            r -= c.Weight;
            if (r < 0)
            {
                return c;
            }
        }

        return candidates[^1];
    }

    /// <summary>Two draws by weight, the one with fewer requests awaiting an answer wins (power of two choices).</summary>
    private static UpstreamBackend LeastRequestPick(List<UpstreamBackend> candidates)
    {
        var a = WeightedPick(candidates);
        var b = WeightedPick(candidates);
        return b.Health.Pending < a.Health.Pending ? b : a;
    }

    /// <summary>Smooth weighted round robin (nginx's): each pick adds every weight and takes the largest running total.</summary>
    private UpstreamBackend RoundRobinPick(UpstreamBackend[] pool)
    {
        lock (_gate)
        {
            var total = 0L;
            var best = -1;
            for (var i = 0; i < _backends.Length; i++)
            {
                if (Array.IndexOf(pool, _backends[i]) < 0)
                {
                    continue;
                }

                _roundRobinCurrent[i] += _backends[i].Weight;
                total += _backends[i].Weight;
                if (best < 0 || _roundRobinCurrent[i] > _roundRobinCurrent[best])
                {
                    best = i;
                }
            }

            _roundRobinCurrent[best] -= total;
            return _backends[best];
        }
    }
}
