namespace SemanticRouter.Inference.Models;

/// <summary>What a model folder holds; <see cref="ModelLoader.DetectKind"/> reads it from config.json.</summary>
public enum ModelKind
{
    SequenceClassifier,
    TokenClassifier,
    SentenceEmbedder,
    MultiHeadClassifier,
}
