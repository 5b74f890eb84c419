namespace SemanticRouter.Core.Sessions;

/// <summary>Session affinity's view of one request: its conversation key, what was stored, and what was decided.</summary>
public sealed class SessionState(string key, SessionOutcome outcome, StoredSession? stored)
{
    public string Key { get; } = key;

    public SessionOutcome Outcome { get; } = outcome;

    /// <summary>The live record read for the key (null when there was none or the store failed).</summary>
    public StoredSession? Stored { get; } = stored;

    /// <summary>True when stickiness decided the route (the sticky decision and model were kept).</summary>
    public bool Sticky => Outcome == SessionOutcome.Kept;

    /// <summary>The outcome as a metric label and explain value.</summary>
    public string Label => Outcome switch
    {
        SessionOutcome.New => "new",
        SessionOutcome.Kept => "kept",
        SessionOutcome.PriorityOverride => "priority_override",
        SessionOutcome.MarginSwitch => "margin_switch",
        _ => "store_unavailable",
    };
}
