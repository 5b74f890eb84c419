namespace SemanticRouter.Inference.Models;

/// <summary>An entity found by a token classifier: [Start, End) is a UTF-16 range in the original text.</summary>
public sealed record EntitySpan(string Label, int Start, int End, float Score);
