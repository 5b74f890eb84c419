namespace SemanticRouter.Core.Sessions;

/// <summary>How session affinity treated one routed turn.</summary>
public enum SessionOutcome
{
    /// <summary>No live record: routed normally; the choice is remembered once a model answers.</summary>
    New,

    /// <summary>The conversation kept its sticky decision and model (<c>x-vsr-session-sticky: true</c>).</summary>
    Kept,

    /// <summary>A decision of higher priority than the sticky one matched and won (blocks, PII policies).</summary>
    PriorityOverride,

    /// <summary>Another decision beat the sticky one's confidence by more than <c>switch_margin</c>.</summary>
    MarginSwitch,

    /// <summary>The store could not be read in time: routed normally, nothing remembered.</summary>
    StoreUnavailable,
}
