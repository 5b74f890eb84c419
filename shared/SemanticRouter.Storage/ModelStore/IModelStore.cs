namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// Makes the manifest's models available on local disk, once per process: from Blob storage into a
/// content-addressed cache, or straight from the local models folder when no storage is configured.
/// Concurrent first requests share one load; a background refresh swaps in changed models atomically.
/// </summary>
public interface IModelStore : IAsyncDisposable
{
    /// <summary>Progress for GET /ready; cheap to call.</summary>
    ModelStoreStatus Status { get; }

    /// <summary>Completes when every required model is loaded.</summary>
    Task WhenReady { get; }

    /// <summary>Increments whenever a refresh swaps in new model versions.</summary>
    long Version { get; }

    event EventHandler<ModelSetChangedEventArgs>? ModelsChanged;

    /// <summary>Starts loading all models in the background (retrying until ready) and, if configured, the periodic refresh. Returns at once.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Loads every model now; throws <see cref="ModelStoreException"/> when a required model fails.</summary>
    Task EnsureLoadedAsync(CancellationToken cancellationToken = default);

    /// <summary>The current version of a model, loading it first if needed (shared with concurrent callers).</summary>
    ValueTask<ModelLocation> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Checks the manifest for changes (ETag) and swaps in changed models; true when something changed.</summary>
    Task<bool> RefreshAsync(CancellationToken cancellationToken = default);
}
