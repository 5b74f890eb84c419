namespace SemanticRouter.Core.Signals;

/// <summary>The result of one signal rule: whether it matched, how confidently, and kind-specific details for explain/debug.</summary>
public sealed record SignalMatch(string Type, string Name, bool Matched, double Confidence, object? Detail = null);
