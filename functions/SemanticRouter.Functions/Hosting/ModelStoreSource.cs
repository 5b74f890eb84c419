using SemanticRouter.Signals.Models;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Serves the learned signals' model folders from the model store (Blob storage, cached once per instance)
/// and passes its refreshes on, so a changed model is reloaded without a restart.
/// </summary>
internal sealed class ModelStoreSource : ILearnedModelSource, IDisposable
{
    private readonly IModelStore _store;

    public ModelStoreSource(IModelStore store)
    {
        _store = store;
        _store.ModelsChanged += OnStoreChanged;
    }

    public event EventHandler<IReadOnlyList<string>>? ModelsChanged;

    public async ValueTask<string> GetFolderAsync(string name, CancellationToken cancellationToken = default) =>
        (await _store.GetAsync(name, cancellationToken).ConfigureAwait(false)).Directory;

    public void Dispose() => _store.ModelsChanged -= OnStoreChanged;

    private void OnStoreChanged(object? sender, ModelSetChangedEventArgs e) => ModelsChanged?.Invoke(this, e.ChangedModels);
}
