namespace SemanticRouter.Core.Config;

/// <summary>How a model's backends share first attempts (<c>reliability.lb_policy</c>).</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Weighted random draw (the default).</summary>
    Random,

    /// <summary>Weighted round robin (smooth: a 3:1 split interleaves a a b a, not a a a b).</summary>
    RoundRobin,

    /// <summary>Of two backends drawn by weight, the one with fewer requests waiting for an answer.</summary>
    LeastRequest,
}

/// <summary>Failures after which the router tries again elsewhere (<c>reliability.retry_on</c>, Envoy's names).</summary>
[Flags]
public enum RetryOn
{
    None = 0,

    /// <summary><c>5xx</c>: any 5xx answer, a first-byte timeout, or a broken connection.</summary>
    ServerError = 1,

    /// <summary><c>gateway-error</c>: 502, 503, 504 answers, a first-byte timeout, or a broken connection.</summary>
    GatewayError = 2,

    /// <summary><c>connect-failure</c>: the TCP/TLS connection could not be made (refused, unreachable, DNS).</summary>
    ConnectFailure = 4,

    /// <summary><c>reset</c> (and <c>refused-stream</c>): the connection broke before the answer's headers.</summary>
    Reset = 8,

    /// <summary><c>retriable-status-codes</c>: a 429 answer (the backend's rate limit).</summary>
    RateLimited = 16,

    /// <summary>The default: every failure above.</summary>
    All = ServerError | GatewayError | ConnectFailure | Reset | RateLimited,
}

/// <summary>
/// <c>providers.models[].reliability</c>, in the anchor's vocabulary: load balancing, retries, passive outlier
/// ejection and optional active health checks for the model's backends.
/// </summary>
public sealed record ReliabilityConfig(
    LoadBalancingPolicy LbPolicy,
    int? RetryCount,
    RetryOn RetryOn,
    int Consecutive5xx,
    TimeSpan BaseEjectionTime,
    TimeSpan MaxEjectionTime,
    int MaxEjectionPercent,
    string? HealthCheckPath,
    TimeSpan HealthCheckInterval,
    TimeSpan HealthCheckTimeout)
{
    /// <summary>
    /// Outlier ejection is on by default (5 consecutive failures, 30 s growing to at most 300 s, at most half the
    /// backends): a sick backend must not keep taking traffic just because nobody configured anything.
    /// </summary>
    public static ReliabilityConfig Default { get; } = new(
        LoadBalancingPolicy.Random,
        null,
        RetryOn.All,
        5,
        TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(300),
        50,
        null,
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(2));

    /// <summary>False when <c>consecutive_5xx: 0</c> turns passive ejection off.</summary>
    public bool EjectionEnabled => Consecutive5xx > 0;
}
