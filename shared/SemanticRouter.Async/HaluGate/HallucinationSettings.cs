namespace SemanticRouter.Async.HaluGate;

/// <summary>When the audit runs: inline before the answer's headers, later from the queue, or both.</summary>
public enum HallucinationMode
{
    Async,
    Sync,
    Both,
}

/// <summary>What a synchronous check does with a finding.</summary>
public enum HallucinationAction
{
    /// <summary>Adds <c>x-vsr-hallucination-detected</c> / <c>-spans</c> and a <c>hallucination</c> response warning.</summary>
    Header,

    /// <summary>Also prepends a warning with the explanations to the answer text.</summary>
    Body,

    /// <summary>Logs only.</summary>
    None,
}

/// <summary>The <c>hallucination</c> plugin's <c>configuration</c> block.</summary>
public sealed record HallucinationSettings(HallucinationMode Mode, HallucinationAction Action, double MinConfidence, bool StripContextField);
