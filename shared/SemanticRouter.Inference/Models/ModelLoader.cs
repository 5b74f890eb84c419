namespace SemanticRouter.Inference.Models;

/// <summary>Loads a model folder (Optimum / transformers.js export layout) as the model kind it holds.</summary>
public static class ModelLoader
{
    public static SequenceClassifier LoadSequenceClassifier(string folder, ModelOptions? options = null) => new(ModelFolder.Open(folder), options ?? new ModelOptions());

    public static TokenClassifier LoadTokenClassifier(string folder, ModelOptions? options = null) => new(ModelFolder.Open(folder), options ?? new ModelOptions());

    public static SentenceEmbedder LoadSentenceEmbedder(string folder, ModelOptions? options = null) => new(ModelFolder.Open(folder), options ?? new ModelOptions());

    public static MultiHeadClassifier LoadMultiHeadClassifier(string folder, ModelOptions? options = null) => new(ModelFolder.Open(folder), options ?? new ModelOptions());

    /// <summary>Loads by kind; the result is one of the four model classes (all <see cref="IDisposable"/>).</summary>
    public static IDisposable Load(string folder, ModelKind kind, ModelOptions? options = null) => kind switch
    {
        ModelKind.SequenceClassifier => LoadSequenceClassifier(folder, options),
        ModelKind.TokenClassifier => LoadTokenClassifier(folder, options),
        ModelKind.SentenceEmbedder => LoadSentenceEmbedder(folder, options),
        ModelKind.MultiHeadClassifier => LoadMultiHeadClassifier(folder, options),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown model kind"),
    };

    /// <summary>
    /// Reads the kind from config.json: a <c>heads</c> list → multi-head; an architecture ending in
    /// ForTokenClassification → token classifier; ForSequenceClassification → sequence classifier; else embedder.
    /// </summary>
    public static ModelKind DetectKind(string folder)
    {
        var model = ModelFolder.Open(folder);
        if (model.Config.TryGetProperty("heads", out _))
        {
            return ModelKind.MultiHeadClassifier;
        }

        var architectures = model.Architectures;
        if (architectures.Any(a => a.EndsWith("ForTokenClassification", StringComparison.Ordinal)))
        {
            return ModelKind.TokenClassifier;
        }

        return architectures.Any(a => a.EndsWith("ForSequenceClassification", StringComparison.Ordinal)) ? ModelKind.SequenceClassifier : ModelKind.SentenceEmbedder;
    }
}
