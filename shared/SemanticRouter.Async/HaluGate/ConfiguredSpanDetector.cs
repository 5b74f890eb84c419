using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// The detector named by <c>HALUGATE_DETECTOR_MODEL</c>, loaded once in the background: its folder comes from the
/// Blob model store when storage is configured (downloaded and sha256-checked like every model), else from the
/// local models folder's manifest (<see cref="DetectorModelResolver"/>). <see cref="DetectorModelPreload"/> starts
/// the load when the host starts. A replaced detector in the store is picked up at the next restart.
/// </summary>
internal sealed class ConfiguredSpanDetector : ISpanDetector, IDisposable
{
    private readonly Lazy<Task<OnnxTokenSpanDetector>> _load;

    public ConfiguredSpanDetector(string modelName, double threshold, IModelStore? store, Func<string> localModelsDirectory)
    {
        Name = modelName;
        UsesModelStore = store is not null;
        _load = new(() => Task.Run(async () =>
        {
            var folder = store is null ? await DetectorModelResolver.ResolveAsync(localModelsDirectory(), modelName).ConfigureAwait(false) : await FromStoreAsync(store, modelName).ConfigureAwait(false);
            return OnnxTokenSpanDetector.Load(modelName, folder, threshold);
        }));
    }

    public string Name { get; }

    /// <summary>True when the folder comes from the Blob model store (a download) rather than the local models folder.</summary>
    public bool UsesModelStore { get; }

    public Task LoadAsync() => _load.Value;

    public async ValueTask<DetectorOutput> DetectAsync(string context, string question, string answer, CancellationToken cancellationToken)
    {
        var detector = await _load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await detector.DetectAsync(context, question, answer, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_load.IsValueCreated && _load.Value.IsCompletedSuccessfully)
        {
            _load.Value.Result.Dispose();
        }
    }

    private static async Task<string> FromStoreAsync(IModelStore store, string modelName)
    {
        ModelLocation location;
        try
        {
            location = await store.GetAsync(modelName).ConfigureAwait(false);
        }
        catch (ModelStoreException e)
        {
            throw new InvalidOperationException($"{AsyncSettings.DetectorModelSetting} names '{modelName}': {e.Message}", e);
        }

        DetectorModelResolver.CheckKind(modelName, location.Kind);
        return location.Directory;
    }
}
