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

    /// <summary>
    /// Drops and disposes every model loaded from <paramref name="folder"/> (after a refreshed version replaced it).
    /// The caller must make sure no inference on them is still running.
    /// </summary>
    public void Release(string folder)
    {
        var full = Path.GetFullPath(folder);
        foreach (var key in models.Keys.Where(k => k.Folder == full).ToArray())
        {
            if (models.TryRemove(key, out var lazy) && lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
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
