namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// A span-level detector's finding before explanation: where in the answer, what kind of claim,
/// and how sure. <see cref="Counterpart"/> is what the context says instead, when known.
/// </summary>
public sealed record DetectedSpan(int Start, int End, string Text, string Kind, double Confidence, string? Counterpart = null, string? Evidence = null);
