namespace SemanticRouter.Signals.Pii;

/// <summary>What the <c>pii</c> plugin does with PII that its decision does not allow.</summary>
public enum PiiAction
{
    /// <summary>Answer with a refusal (fast_response) and never call upstream.</summary>
    Block,

    /// <summary>Replace each span with <c>[TYPE]</c> before the request goes upstream.</summary>
    Redact,

    /// <summary>Replace spans with stable placeholders upstream and put the originals back into the answer.</summary>
    MaskAndRestore,
}
