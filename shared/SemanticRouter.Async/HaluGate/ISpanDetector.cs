namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Stage 2 of an audit: finds answer spans the context does not support. The default is
/// <see cref="LexicalGroundingDetector"/> (numbers, dates, named entities, key phrases grounded
/// against the context). A LettuceDetect-style ONNX token classifier (input
/// <c>[CLS] context question [SEP] answer [SEP]</c>, answer tokens labelled supported/hallucinated)
/// plugs in here as <see cref="OnnxTokenSpanDetector"/> when <c>HALUGATE_DETECTOR_MODEL</c> names it in
/// the models manifest; any other implementation registered in DI replaces the default too
/// (see docs/halugate.md, "Bring your own detector").
/// </summary>
public interface ISpanDetector
{
    /// <summary>A stable name recorded in audit results.</summary>
    string Name { get; }

    ValueTask<DetectorOutput> DetectAsync(string context, string question, string answer, CancellationToken cancellationToken);
}

/// <summary>Spans found plus how many claims were examined (for "needs fact check" and reporting).</summary>
public sealed record DetectorOutput(IReadOnlyList<DetectedSpan> Spans, int ClaimsChecked);
