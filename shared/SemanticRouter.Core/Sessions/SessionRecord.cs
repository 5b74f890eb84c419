namespace SemanticRouter.Core.Sessions;

/// <summary>
/// What a conversation sticks to: the decision of the turn that set it (name and priority, so a later decision of
/// higher priority can win), the model that decision chose, its confidence (for <c>switch_margin</c>), and when the
/// stickiness ends. Holds config names and numbers only, never prompt text.
/// </summary>
public sealed record SessionRecord(string Decision, int Priority, string Model, double Confidence, DateTimeOffset UpdatedAt, DateTimeOffset ExpiresAt);
