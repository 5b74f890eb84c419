namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Stage 2 of an audit: finds answer spans the context does not support. The default is
/// <see cref="LexicalGroundingDetector"/> (numbers, dates, named entities, key phrases grounded
/// against the context). A LettuceDetect-style ONNX token classifier (input
/// <c>[CLS] context [SEP] question [SEP] answer</c>, answer tokens labelled supported/hallucinated)
/// plugs in here: register an implementation in DI and it replaces the default
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
