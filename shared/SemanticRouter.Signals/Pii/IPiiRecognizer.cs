namespace SemanticRouter.Signals.Pii;

/// <summary>A rule-based detector for one structured PII type; candidates are validated (checksums, ranges) before they count.</summary>
internal interface IPiiRecognizer
{
    string Type { get; }

    void Recognize(string text, List<PiiEntity> found);
}
