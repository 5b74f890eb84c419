namespace SemanticRouter.Signals.Jailbreak;

/// <summary>How a <c>jailbreak</c> rule scores a prompt (<c>method</c>).</summary>
public enum JailbreakMethod
{
    /// <summary>The prompt classifier's jailbreak probability against <c>threshold</c>.</summary>
    Classifier,

    /// <summary>
    /// Embedding contrast: best cosine similarity to <c>jailbreak_patterns</c> minus best similarity to
    /// <c>benign_patterns</c>, against <c>threshold</c>.
    /// </summary>
    Contrastive,

    /// <summary>Either of the two: the classifier against <c>threshold</c> or the contrast against <c>contrastive_threshold</c>.</summary>
    Hybrid,
}
