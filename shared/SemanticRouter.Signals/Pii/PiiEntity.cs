namespace SemanticRouter.Signals.Pii;

/// <summary>
/// A piece of PII: [Start, End) is a UTF-16 range of the scanned text. <see cref="Source"/> says which recognizer
/// or model found it. The text itself is never kept here, so entities can be logged and shown in explain output.
/// </summary>
public sealed record PiiEntity(string Type, int Start, int End, double Score, string Source)
{
    public int Length => End - Start;
}
