namespace SemanticRouter.Async.HaluGate;

/// <summary>A checkable piece of text: a quantity (value + unit), a date part, a named entity or a key phrase.</summary>
internal sealed record Claim(int Start, int End, string Text, string Kind, double Value = 0, double Precision = 0, string? Unit = null, string? Normalized = null);
