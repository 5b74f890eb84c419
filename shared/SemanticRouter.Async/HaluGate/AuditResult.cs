namespace SemanticRouter.Async.HaluGate;

/// <summary>The stored outcome of one audit (blob <c>halugate-audits/&lt;request id&gt;.json</c>).</summary>
public sealed record AuditResult
{
    public int Version { get; init; } = 1;

    public required string RequestId { get; init; }

    public string? Model { get; init; }

    public string? Decision { get; init; }

    public DateTimeOffset AuditedAt { get; init; }

    public DateTimeOffset? RequestTimestamp { get; init; }

    /// <summary>Stage 1: does the answer make checkable factual claims?</summary>
    public bool NeedsFactCheck { get; init; }

    public required string FactCheckReason { get; init; }

    /// <summary>No grounding context was available, so claims could not be checked.</summary>
    public bool ContextMissing { get; init; }

    public bool HallucinationDetected { get; init; }

    /// <summary>Highest severity among spans: 0 none, 2 unsupported, 4 contradicted.</summary>
    public int MaxSeverity { get; init; }

    public required string Detector { get; init; }

    public int ClaimsChecked { get; init; }

    public IReadOnlyList<FlaggedSpan> Spans { get; init; } = [];

    public double DurationMs { get; init; }
}

/// <summary>Stage 2 and 3 output: an answer span the context does not support, with its explanation.</summary>
public sealed record FlaggedSpan
{
    /// <summary>Character offset in the answer.</summary>
    public int Start { get; init; }

    public int End { get; init; }

    public required string Text { get; init; }

    /// <summary>number | date | entity | phrase | token (from a model detector).</summary>
    public required string Kind { get; init; }

    /// <summary>contradiction (the context states something else) | unsupported (the context is silent).</summary>
    public required string Label { get; init; }

    /// <summary>The anchor's NLI scale: 4 contradiction, 2 neutral/unverifiable.</summary>
    public int Severity { get; init; }

    public double Confidence { get; init; }

    public required string Explanation { get; init; }

    /// <summary>The context passage the explanation refers to, when there is one (bounded).</summary>
    public string? Evidence { get; init; }
}
