using System.Collections.Concurrent;
using SemanticRouter.Inference.Models;
using SemanticRouter.Signals.Language;
using SemanticRouter.Signals.Pii;

namespace SemanticRouter.Signals.Models;

/// <summary>
/// The loaded default models, shared by every signal kind, plugin and the semantic cache. Signals call
/// <see cref="Require"/> when a config references them, which starts loading in the background; readiness is
/// "every required model loaded". Loading through <see cref="ModelRegistry"/> means one ONNX session per folder.
/// Folders are read in place from the models directory, or come from an <see cref="ILearnedModelSource"/>
/// (the Blob model store) whose refreshed versions are loaded and swapped in while requests keep running.
/// </summary>
public sealed class LearnedModels : IDisposable
{
    // How long a replaced model version stays loaded for requests that already hold it.
    private static readonly TimeSpan ReleaseDelay = TimeSpan.FromSeconds(60);

    private readonly ModelRegistry _registry;
    private readonly ILearnedModelSource? _source;
    private readonly ConcurrentDictionary<LearnedModel, Lazy<Task>> _loads = new();
    private readonly ConcurrentDictionary<LearnedModel, string> _folders = new();
    private readonly PerFolder<LanguageIdentifier> _language = new(LanguageIdentifier.Load);
    private readonly PerFolder<PiiDetector> _pii;
    private readonly CancellationTokenSource _disposed = new();

    // Refreshes arrive as events; one reload at a time keeps the folder swaps in order.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private int _reloads;

    public LearnedModels(LearnedModelOptions? options = null, ModelOptions? modelOptions = null, ILearnedModelSource? source = null)
    {
        Options = options ?? new LearnedModelOptions();
        Directory = Options.ResolveModelsDirectory();
        _registry = new ModelRegistry(modelOptions);
        _pii = new PerFolder<PiiDetector>(folder => new PiiDetector(_registry.TokenClassifier(folder)));
        _source = source;
        if (_source is not null)
        {
            _source.ModelsChanged += OnModelsChanged;
        }
    }

    public LearnedModelOptions Options { get; }

    /// <summary>The local models directory (used when no <see cref="ILearnedModelSource"/> is given).</summary>
    public string Directory { get; }

    /// <summary>Reloads after a refresh: how many succeeded, and the last failure (the previous version keeps serving).</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    public string? LastReloadError { get; private set; }

    public MultiHeadClassifier PromptClassifier => _registry.MultiHeadClassifier(PathOf(LearnedModel.PromptClassifier));

    public TokenClassifier PiiTokenClassifier => _registry.TokenClassifier(PathOf(LearnedModel.PiiTokenClassifier));

    public SentenceEmbedder SentenceEmbedder => _registry.SentenceEmbedder(PathOf(LearnedModel.SentenceEmbedder));

    public LanguageIdentifier LanguageIdentifier => _language.For(PathOf(LearnedModel.LanguageIdentifier));

    /// <summary>Recognizers plus the PII token classifier.</summary>
    public PiiDetector PiiDetector => _pii.For(PathOf(LearnedModel.PiiTokenClassifier));

    /// <summary>The folder name of a model under the models directory, which is also its name in the model manifest.</summary>
    public string NameOf(LearnedModel model) => model switch
    {
        LearnedModel.PromptClassifier => Options.PromptClassifier,
        LearnedModel.PiiTokenClassifier => Options.PiiTokenClassifier,
        LearnedModel.SentenceEmbedder => Options.SentenceEmbedder,
        LearnedModel.LanguageIdentifier => Options.LanguageIdentifier,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    /// <summary>The folder the model's current version is read from.</summary>
    public string PathOf(LearnedModel model)
    {
        if (_folders.TryGetValue(model, out var folder))
        {
            return folder;
        }

        if (_source is null)
        {
            return Path.Combine(Directory, NameOf(model));
        }

        // Only a request that arrives before /ready reports the model loaded gets here; it waits for the
        // download every other caller shares rather than failing.
        folder = _source.GetFolderAsync(NameOf(model)).AsTask().GetAwaiter().GetResult();
        return _folders.GetOrAdd(model, folder);
    }

    /// <summary>Marks a model as needed and starts loading it off the request path (idempotent).</summary>
    public Task Require(LearnedModel model) => _loads.GetOrAdd(model, m => new Lazy<Task>(() => Task.Run(async () =>
    {
        if (_source is not null)
        {
            _folders.TryAdd(m, await _source.GetFolderAsync(NameOf(m), _disposed.Token).ConfigureAwait(false));
        }

        Load(m, PathOf(m));
    }))).Value;

    /// <summary>Required models and their state, for readiness.</summary>
    public IReadOnlyList<(LearnedModel Model, TaskStatus Status, string? Error)> Status() =>
        _loads.OrderBy(p => p.Key).Select(p =>
        {
            var task = p.Value.Value;
            return (p.Key, task.Status, task.Exception?.GetBaseException().Message);
        }).ToArray();

    public bool AllRequiredLoaded => _loads.Values.All(l => l.Value.IsCompletedSuccessfully);

    /// <summary>Loads the models named by a refresh into their new folders, then switches requests over to them.</summary>
    public async Task ReloadAsync(IReadOnlyList<string> changedNames, CancellationToken cancellationToken = default)
    {
        if (_source is null)
        {
            return;
        }

        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadChangedAsync(_source, changedNames, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reloading.Release();
        }
    }

    public void Dispose()
    {
        if (_source is not null)
        {
            _source.ModelsChanged -= OnModelsChanged;
        }

        _disposed.Cancel();
        _registry.Dispose();
        _disposed.Dispose();
        _reloading.Dispose();
    }

    private async Task ReloadChangedAsync(ILearnedModelSource source, IReadOnlyList<string> changedNames, CancellationToken cancellationToken)
    {
        foreach (var model in Enum.GetValues<LearnedModel>().Where(m => changedNames.Contains(NameOf(m), StringComparer.Ordinal)))
        {
            // A model nobody requires yet loads its current version on first use anyway.
            if (!_folders.TryGetValue(model, out var old))
            {
                continue;
            }

            try
            {
                var folder = await source.GetFolderAsync(NameOf(model), cancellationToken).ConfigureAwait(false);
                if (folder == old)
                {
                    continue;
                }

                await Task.Run(() => Load(model, folder), cancellationToken).ConfigureAwait(false);
                _folders[model] = folder;
                Interlocked.Increment(ref _reloads);
                _ = ReleaseLaterAsync(old);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LastReloadError = $"{NameOf(model)}: {e.GetBaseException().Message}";
            }
        }
    }

    private void OnModelsChanged(object? sender, IReadOnlyList<string> names) => _ = ReloadAsync(names, _disposed.Token);

    private void Load(LearnedModel model, string folder)
    {
        _ = model switch
        {
            LearnedModel.PromptClassifier => (object)_registry.MultiHeadClassifier(folder),
            LearnedModel.PiiTokenClassifier => _pii.For(folder),
            LearnedModel.SentenceEmbedder => _registry.SentenceEmbedder(folder),
            _ => _language.For(folder),
        };
    }

    private async Task ReleaseLaterAsync(string folder)
    {
        try
        {
            await Task.Delay(ReleaseDelay, _disposed.Token).ConfigureAwait(false);
            _language.Release(folder);
            _pii.Release(folder);
            _registry.Release(folder);
        }
        catch (OperationCanceledException)
        {
            // Disposed first: the registry released everything.
        }
    }
}
