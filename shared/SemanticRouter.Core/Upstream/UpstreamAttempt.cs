namespace SemanticRouter.Core.Upstream;

/// <summary>One try at one backend: what happened and how long it took (debug header, logs, metrics).</summary>
public sealed record UpstreamAttempt(string Model, string Backend, string Outcome, TimeSpan Elapsed)
{
    public override string ToString() => $"{Model}/{Backend}:{Outcome}:{(int)Elapsed.TotalMilliseconds}ms";
}
