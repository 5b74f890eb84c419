namespace SemanticRouter.Signals.Models;

/// <summary>The default models the learned signals use.</summary>
public enum LearnedModel
{
    PromptClassifier,
    PiiTokenClassifier,
    SentenceEmbedder,
    LanguageIdentifier,
}
