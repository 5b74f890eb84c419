using System.Collections.Concurrent;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>Per-model progress counters behind <see cref="IModelStore.Status"/>; updated lock-free from downloads.</summary>
internal sealed class ModelLoadTracker
{
    private readonly ConcurrentDictionary<string, Progress> _models = new(StringComparer.Ordinal);

    public string? LastError { get; set; }

    public Progress For(string model) => _models.GetOrAdd(model, static _ => new Progress());

    public ModelStoreStatus Snapshot(string source, long version, ModelManifest? manifest, IReadOnlyDictionary<string, ModelLocation> loaded)
    {
        var models = new List<ModelStatus>();
        long bytesTotal = 0, bytesLoaded = 0;
        var ready = manifest is not null;
        foreach (var entry in manifest?.Models ?? [])
        {
            var progress = For(entry.Name);
            var isLoaded = loaded.TryGetValue(entry.Name, out var location) && location.ContentHash == entry.ContentHash;
            var state = isLoaded ? ModelLoadState.Loaded : progress.State;
            var bytes = isLoaded ? entry.TotalBytes : Math.Min(progress.Bytes, entry.TotalBytes);
            models.Add(new ModelStatus(entry.Name, entry.Kind, entry.Required, state, entry.TotalBytes, bytes, isLoaded ? null : progress.Error));
            bytesTotal += entry.TotalBytes;
            bytesLoaded += bytes;
            ready &= isLoaded || !entry.Required;
        }

        return new ModelStoreStatus(ready, source, version, models.Count, models.Count(m => m.State == ModelLoadState.Loaded), bytesTotal, bytesLoaded, models, LastError);
    }

    internal sealed class Progress : IProgress<long>
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public ModelLoadState State { get; private set; } = ModelLoadState.Pending;

        public string? Error { get; private set; }

        public void Start()
        {
            Interlocked.Exchange(ref _bytes, 0);
            Error = null;
            State = ModelLoadState.Loading;
        }

        public void Fail(string error)
        {
            Error = error;
            State = ModelLoadState.Failed;
        }

        public void Complete() => State = ModelLoadState.Loaded;

        public void Report(long value) => Interlocked.Add(ref _bytes, value);
    }
}
