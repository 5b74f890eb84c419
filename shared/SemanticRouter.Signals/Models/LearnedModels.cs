using System.Collections.Concurrent;
using SemanticRouter.Inference.Models;
using SemanticRouter.Signals.Language;
using SemanticRouter.Signals.Pii;

namespace SemanticRouter.Signals.Models;

/// <summary>
/// The loaded default models, shared by every signal kind, plugin and the semantic cache. Signals call
/// <see cref="Require"/> when a config references them, which starts loading in the background; readiness is
/// "every required model loaded". Loading through <see cref="ModelRegistry"/> means one ONNX session per folder.
/// </summary>
public sealed class LearnedModels : IDisposable
{
    private readonly ModelRegistry _registry;
    private readonly ConcurrentDictionary<LearnedModel, Lazy<Task>> _loads = new();
    private readonly Lazy<LanguageIdentifier> _language;
    private readonly Lazy<PiiDetector> _pii;

    public LearnedModels(LearnedModelOptions? options = null, ModelOptions? modelOptions = null)
    {
        Options = options ?? new LearnedModelOptions();
        Directory = Options.ResolveModelsDirectory();
        _registry = new ModelRegistry(modelOptions);
        _language = new Lazy<LanguageIdentifier>(() => LanguageIdentifier.Load(PathOf(LearnedModel.LanguageIdentifier)), LazyThreadSafetyMode.ExecutionAndPublication);
        _pii = new Lazy<PiiDetector>(() => new PiiDetector(PiiTokenClassifier), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public LearnedModelOptions Options { get; }

    public string Directory { get; }

    public MultiHeadClassifier PromptClassifier => _registry.MultiHeadClassifier(PathOf(LearnedModel.PromptClassifier));

    public TokenClassifier PiiTokenClassifier => _registry.TokenClassifier(PathOf(LearnedModel.PiiTokenClassifier));

    public SentenceEmbedder SentenceEmbedder => _registry.SentenceEmbedder(PathOf(LearnedModel.SentenceEmbedder));

    public LanguageIdentifier LanguageIdentifier => _language.Value;

    /// <summary>Recognizers plus the PII token classifier.</summary>
    public PiiDetector PiiDetector => _pii.Value;

    public string PathOf(LearnedModel model) => Path.Combine(Directory, model switch
    {
        LearnedModel.PromptClassifier => Options.PromptClassifier,
        LearnedModel.PiiTokenClassifier => Options.PiiTokenClassifier,
        LearnedModel.SentenceEmbedder => Options.SentenceEmbedder,
        LearnedModel.LanguageIdentifier => Options.LanguageIdentifier,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    });

    /// <summary>Marks a model as needed and starts loading it off the request path (idempotent).</summary>
    public Task Require(LearnedModel model) => _loads.GetOrAdd(model, m => new Lazy<Task>(() => Task.Run(() => Touch(m)))).Value;

    /// <summary>Required models and their state, for readiness.</summary>
    public IReadOnlyList<(LearnedModel Model, TaskStatus Status, string? Error)> Status() =>
        _loads.OrderBy(p => p.Key).Select(p =>
        {
            var task = p.Value.Value;
            return (p.Key, task.Status, task.Exception?.GetBaseException().Message);
        }).ToArray();

    public bool AllRequiredLoaded => _loads.Values.All(l => l.Value.IsCompletedSuccessfully);

    public void Dispose() => _registry.Dispose();

    private void Touch(LearnedModel model)
    {
        _ = model switch
        {
            LearnedModel.PromptClassifier => (object)PromptClassifier,
            LearnedModel.PiiTokenClassifier => PiiDetector,
            LearnedModel.SentenceEmbedder => SentenceEmbedder,
            _ => LanguageIdentifier,
        };
    }
}
