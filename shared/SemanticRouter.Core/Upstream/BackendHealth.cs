namespace SemanticRouter.Core.Upstream;

/// <summary>How a backend stands in its model's rotation (for <c>/ready</c>, metrics and logs).</summary>
public enum BackendState
{
    /// <summary>In rotation.</summary>
    Healthy,

    /// <summary>Out of rotation after consecutive failures, until <see cref="BackendHealth.EjectedUntil"/>.</summary>
    Ejected,

    /// <summary>Out of rotation because its last active health check failed, until a check passes.</summary>
    Unhealthy,
}

/// <summary>
/// The live health of one backend: consecutive failures, ejections and active-check verdicts. It outlives config
/// reloads (a <see cref="BackendHealthRegistry"/> hands the same instance to each snapshot), so a rewrite of the config
/// file does not put a sick backend back into rotation. Updates are lock-free except the ejection decision, which the
/// model's <see cref="UpstreamModel"/> makes under its own lock.
/// </summary>
public sealed class BackendHealth(TimeProvider time)
{
    private int _consecutiveFailures;
    private int _ejections;
    private long _ejectedUntilTicks;
    private long _returnedAtTicks;
    private int _activeUnhealthy;
    private int _pending;

    /// <summary>Failures in a row since the last success (passive detection).</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>How many times it has been ejected without a clean spell in between; multiplies the ejection time.</summary>
    public int Ejections => Volatile.Read(ref _ejections);

    /// <summary>Requests sent and not yet answered (headers) — the <c>least_request</c> policy's load measure.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public DateTimeOffset? EjectedUntil
    {
        get
        {
            var until = Volatile.Read(ref _ejectedUntilTicks);
            return until > time.GetUtcNow().UtcTicks ? new DateTimeOffset(until, TimeSpan.Zero) : null;
        }
    }

    public bool ActiveCheckFailed => Volatile.Read(ref _activeUnhealthy) != 0;

    public BackendState State => ActiveCheckFailed ? BackendState.Unhealthy : EjectedUntil is not null ? BackendState.Ejected : BackendState.Healthy;

    public bool IsAvailable => State == BackendState.Healthy;

    public void RequestStarted() => Interlocked.Increment(ref _pending);

    public void RequestFinished() => Interlocked.Decrement(ref _pending);

    /// <summary>
    /// A usable answer: the failure streak ends. The ejection multiplier resets once the backend has stayed in
    /// rotation for one <paramref name="baseEjectionTime"/> since it came back, so a backend that flaps keeps
    /// its growing penalty while one that recovered starts over.
    /// </summary>
    public void RecordSuccess(TimeSpan baseEjectionTime)
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }

        if (Volatile.Read(ref _ejections) != 0 && time.GetUtcNow().UtcTicks - Volatile.Read(ref _returnedAtTicks) >= baseEjectionTime.Ticks)
        {
            Volatile.Write(ref _ejections, 0);
        }
    }

    /// <summary>A failure that counts towards ejection; returns the streak length including it.</summary>
    public int RecordFailure() => Interlocked.Increment(ref _consecutiveFailures);

    /// <summary>
    /// Takes the backend out of rotation for <c>base × ejections</c>, capped at <paramref name="maxTime"/>; returns
    /// how long. The caller (the model, under its lock) has already checked the ejection limits.
    /// </summary>
    public TimeSpan Eject(TimeSpan baseTime, TimeSpan maxTime)
    {
        var count = Interlocked.Increment(ref _ejections);
        var duration = TimeSpan.FromTicks(Math.Min(maxTime.Ticks, baseTime.Ticks * Math.Min(count, 1_000)));
        var until = time.GetUtcNow().UtcTicks + duration.Ticks;
        Volatile.Write(ref _ejectedUntilTicks, until);
        Volatile.Write(ref _returnedAtTicks, until);
        Volatile.Write(ref _consecutiveFailures, 0);
        return duration;
    }

    /// <summary>
    /// An active health check's verdict. A pass also ends a passive ejection early (Envoy's default), since the
    /// backend has just shown it answers; a fail keeps it out of rotation until a later check passes.
    /// </summary>
    public void RecordHealthCheck(bool passed)
    {
        Volatile.Write(ref _activeUnhealthy, passed ? 0 : 1);
        if (passed && Volatile.Read(ref _ejectedUntilTicks) > time.GetUtcNow().UtcTicks)
        {
            var now = time.GetUtcNow().UtcTicks;
            Volatile.Write(ref _ejectedUntilTicks, now);
            Volatile.Write(ref _returnedAtTicks, now);
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }
}
