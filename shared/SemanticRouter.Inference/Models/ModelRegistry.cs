using System.Collections.Concurrent;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// Process-wide cache of loaded models keyed by folder and kind, so every signal that names the same model shares
/// one ONNX session. Loading is lazy and happens once per key; disposing the registry releases every model.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ConcurrentDictionary<(string Folder, ModelKind Kind), Lazy<IDisposable>> models = new();
    private readonly ModelOptions options;

    public ModelRegistry(ModelOptions? options = null)
    {
        this.options = options ?? new ModelOptions();
    }

    public SequenceClassifier SequenceClassifier(string folder) => (SequenceClassifier)Get(folder, ModelKind.SequenceClassifier);

    public TokenClassifier TokenClassifier(string folder) => (TokenClassifier)Get(folder, ModelKind.TokenClassifier);

    public SentenceEmbedder SentenceEmbedder(string folder) => (SentenceEmbedder)Get(folder, ModelKind.SentenceEmbedder);

    public MultiHeadClassifier MultiHeadClassifier(string folder) => (MultiHeadClassifier)Get(folder, ModelKind.MultiHeadClassifier);

    public IDisposable Get(string folder, ModelKind kind)
    {
        var key = (Path.GetFullPath(folder), kind);
        var lazy = models.GetOrAdd(key, k => new Lazy<IDisposable>(() => ModelLoader.Load(k.Folder, k.Kind, options), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the folder may be fixed and retried.
            models.TryRemove(new KeyValuePair<(string, ModelKind), Lazy<IDisposable>>(key, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in models.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        models.Clear();
    }
}
