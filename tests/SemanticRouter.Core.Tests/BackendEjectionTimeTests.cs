using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Core.Tests;

/// <summary>Ejection time grows with repeat ejections, is capped, and resets after a clean spell (on a manual clock).</summary>
public sealed class BackendEjectionTimeTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(100);

    [Fact]
    public void Repeat_ejections_last_base_times_count_up_to_the_cap()
    {
        var clock = new ManualClock();
        var health = new BackendHealth(clock);

        Assert.Equal(TimeSpan.FromSeconds(30), health.Eject(Base, Max));
        Assert.Equal(BackendState.Ejected, health.State);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(BackendState.Healthy, health.State);

        // Failing again straight away: no clean spell, so the penalty grows.
        health.RecordSuccess(Base);
        Assert.Equal(TimeSpan.FromSeconds(60), health.Eject(Base, Max));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.FromSeconds(90), health.Eject(Base, Max));
        clock.Advance(TimeSpan.FromSeconds(91));
        Assert.Equal(TimeSpan.FromSeconds(100), health.Eject(Base, Max));
        Assert.Equal(4, health.Ejections);
    }

    [Fact]
    public void A_success_after_one_base_time_back_in_rotation_resets_the_penalty()
    {
        var clock = new ManualClock();
        var health = new BackendHealth(clock);
        health.Eject(Base, Max);
        clock.Advance(TimeSpan.FromSeconds(30 + 31));

        health.RecordSuccess(Base);

        Assert.Equal(0, health.Ejections);
        Assert.Equal(TimeSpan.FromSeconds(30), health.Eject(Base, Max));
    }

    [Fact]
    public void A_passing_health_check_ends_an_ejection_and_a_failing_one_takes_the_backend_out()
    {
        var health = new BackendHealth(new ManualClock());
        health.Eject(Base, Max);

        health.RecordHealthCheck(passed: true);
        Assert.Equal(BackendState.Healthy, health.State);

        health.RecordHealthCheck(passed: false);
        Assert.Equal(BackendState.Unhealthy, health.State);
        Assert.False(health.IsAvailable);
    }

    /// <summary>A clock the test moves by hand (time itself is the only stand-in here).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
