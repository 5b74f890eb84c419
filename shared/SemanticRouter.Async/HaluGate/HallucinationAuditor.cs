using System.Diagnostics;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Runs the three audit stages on one (context, question, answer): fact-check need, span
/// detection, explanation. Spans below <see cref="MinConfidence"/> are dropped.
/// </summary>
public sealed class HallucinationAuditor
{
    private readonly ISpanDetector _detector;

    internal HallucinationAuditor(ISpanDetector detector, double minConfidence = DefaultMinConfidence)
    {
        _detector = detector;
        MinConfidence = minConfidence;
    }

    public const double DefaultMinConfidence = 0.6;

    public double MinConfidence { get; }

    public string DetectorName => _detector.Name;

    public async Task<AuditResult> AuditAsync(AuditMessage message, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var hasContext = message.Context.Trim().Length > 0;
        DetectorOutput output;
        if (hasContext)
        {
            output = await _detector.DetectAsync(message.Context, message.Question, message.Answer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Without context nothing can be grounded; still count claims for stage 1.
            output = new DetectorOutput([], ClaimExtractor.Numbers(message.Answer).Count + ClaimExtractor.Entities(message.Answer, _ => false).Count);
        }

        var (needed, reason) = FactCheckGate.Evaluate(message.Question, message.Answer, output.ClaimsChecked);
        var spans = needed ? output.Spans.Where(s => s.Confidence >= MinConfidence).Select(SpanExplainer.Explain).ToList() : [];
        return new AuditResult
        {
            RequestId = message.RequestId,
            Model = message.Model,
            Decision = message.Decision,
            AuditedAt = DateTimeOffset.UtcNow,
            RequestTimestamp = message.Timestamp == default ? null : message.Timestamp,
            NeedsFactCheck = needed,
            FactCheckReason = reason,
            ContextMissing = !hasContext,
            HallucinationDetected = spans.Count > 0,
            MaxSeverity = spans.Count == 0 ? 0 : spans.Max(s => s.Severity),
            Detector = _detector.Name,
            ClaimsChecked = output.ClaimsChecked,
            Spans = spans,
            DurationMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3),
        };
    }
}
