namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Stage 3: one sentence per flagged span saying what the answer claims and what the context says,
/// e.g. "the answer says 324 m; the context says 330 m". A span with a counterpart is a
/// contradiction (severity 4), one without is unsupported (severity 2).
/// </summary>
internal static class SpanExplainer
{
    public static FlaggedSpan Explain(DetectedSpan span)
    {
        var contradiction = span.Counterpart is not null;
        var explanation = (span.Kind, contradiction) switch
        {
            ("number" or "date", true) => $"the answer says {span.Text}; the context says {span.Counterpart}",
            ("number" or "date", false) => $"the answer says {span.Text}; the context gives no such figure",
            ("entity", true) => $"the answer names {span.Text}; the context says {span.Counterpart}",
            ("entity", false) => $"the answer names {span.Text}, which the context does not mention",
            (_, true) => $"the answer says \"{span.Text}\"; the context says \"{span.Counterpart}\"",
            _ => $"the answer claims \"{span.Text}\", which the context does not support",
        };
        return new FlaggedSpan
        {
            Start = span.Start,
            End = span.End,
            Text = span.Text,
            Kind = span.Kind,
            Label = contradiction ? "contradiction" : "unsupported",
            Severity = contradiction ? 4 : 2,
            Confidence = Math.Round(span.Confidence, 3),
            Explanation = explanation,
            Evidence = span.Evidence,
        };
    }
}
