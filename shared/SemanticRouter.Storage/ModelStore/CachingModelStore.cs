using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// The model store: loads each model version once per process (concurrent callers share one load
/// keyed by name and content hash), publishes loaded versions in an immutable snapshot that is
/// swapped atomically, and refreshes from the manifest's tag in the background. Requests always
/// read a complete snapshot, so a refresh never drops or half-serves a request.
/// </summary>
internal sealed class CachingModelStore : IModelStore
{
    private static readonly TimeSpan StartRetryMin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StartRetryMax = TimeSpan.FromSeconds(60);

    private readonly IModelSource _source;
    private readonly ModelStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ModelLoadTracker _tracker = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ModelLocation>>> _loads = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly object _manifestGate = new();
    private readonly object _publishGate = new();
    private Task<Snapshot>? _initialManifest;
    private Task? _background;
    private volatile Snapshot _current = Snapshot.Empty;

    public CachingModelStore(IModelSource source, ModelStoreOptions options, TimeProvider timeProvider)
    {
        _source = source;
        _options = options;
        _time = timeProvider;
    }

    public event EventHandler<ModelSetChangedEventArgs>? ModelsChanged;

    public ModelStoreStatus Status
    {
        get
        {
            var snapshot = _current;
            return _tracker.Snapshot(_source.Name, snapshot.Version, snapshot.Manifest, snapshot.Loaded);
        }
    }

    public Task WhenReady => _ready.Task;

    public long Version => _current.Version;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_manifestGate)
        {
            _background ??= Task.Run(() => RunBackgroundAsync(_lifetime.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task EnsureLoadedAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await GetManifestAsync(cancellationToken).ConfigureAwait(false);
        var loads = snapshot.Manifest!.Models.Select(m => (Model: m, Task: LoadAsync(m, cancellationToken))).ToList();
        try
        {
            await Task.WhenAll(loads.Select(l => l.Task)).ConfigureAwait(false);
        }
        catch (Exception) when (loads.Where(l => l.Task.IsFaulted).All(l => !l.Model.Required))
        {
            // Optional models may fail (their status says why); only required ones gate readiness.
        }

        var failed = loads.Where(l => l.Model.Required && l.Task.IsFaulted).Select(l => l.Task.Exception!.InnerException!).ToList();
        if (failed.Count == 1)
        {
            throw failed[0];
        }

        if (failed.Count > 1)
        {
            throw new ModelStoreException(string.Join("\n", failed.Select(f => f.Message)), new AggregateException(failed));
        }
    }

    public async ValueTask<ModelLocation> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var snapshot = _current;
        if (snapshot.Loaded.TryGetValue(name, out var location))
        {
            return location;
        }

        snapshot = await GetManifestAsync(cancellationToken).ConfigureAwait(false);
        var entry = snapshot.Manifest!.Find(name) ?? throw new ModelStoreException(name, null, "not listed in the model manifest.");
        return await LoadAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await GetManifestAsync(cancellationToken).ConfigureAwait(false);
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = _current;
            var fetch = await _source.FetchManifestAsync(before.Tag, cancellationToken).ConfigureAwait(false);
            if (fetch.IsNotModified)
            {
                return false;
            }

            var manifest = fetch.Manifest!;

            // Load every changed model fully before publishing anything: readers keep the old
            // snapshot until the new one is complete.
            // Without prefetch only models already in use are replaced; the rest load on first use.
            var changed = manifest.Models.Where(m => before.Loaded.TryGetValue(m.Name, out var old) ? old.ContentHash != m.ContentHash : _options.PrefetchAll).ToList();
            var loaded = await Task.WhenAll(changed.Select(m => LoadCoreSharedAsync(m, cancellationToken))).ConfigureAwait(false);
            var builder = ImmutableDictionary.CreateBuilder<string, ModelLocation>(StringComparer.Ordinal);
            foreach (var entry in manifest.Models)
            {
                if ((loaded.FirstOrDefault(l => l.Name == entry.Name) ?? before.Loaded.GetValueOrDefault(entry.Name)) is { } location)
                {
                    builder[entry.Name] = location;
                }
            }

            Snapshot after;
            lock (_publishGate)
            {
                after = new Snapshot(manifest, fetch.Tag, builder.ToImmutable(), _current.Version + 1);
                _current = after;
            }

            foreach (var (name, old) in before.Loaded)
            {
                var keep = after.Loaded.TryGetValue(name, out var now) ? new[] { now.ContentHash, old.ContentHash } : new[] { old.ContentHash };
                _source.Prune(name, keep);
            }

            CheckReady(after);
            ModelsChanged?.Invoke(this, new ModelSetChangedEventArgs(after.Version, changed.Select(c => c.Name).ToList()));
            return true;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_background is { } background)
        {
            try
            {
                await background.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
        }

        _lifetime.Dispose();
        _refreshGate.Dispose();
    }

    private Task<Snapshot> GetManifestAsync(CancellationToken cancellationToken)
    {
        Task<Snapshot> task;
        lock (_manifestGate)
        {
            // A failed first fetch is forgotten so the next caller tries again.
            if (_initialManifest is null || _initialManifest.IsFaulted || _initialManifest.IsCanceled)
            {
                _initialManifest = FetchInitialManifestAsync();
            }

            task = _initialManifest;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<Snapshot> FetchInitialManifestAsync()
    {
        try
        {
            var fetch = await _source.FetchManifestAsync(null, _lifetime.Token).ConfigureAwait(false);
            lock (_publishGate)
            {
                if (_current.Manifest is null)
                {
                    _current = new Snapshot(fetch.Manifest!, fetch.Tag, ImmutableDictionary.Create<string, ModelLocation>(StringComparer.Ordinal), 1);
                }
            }

            CheckReady(_current);
            return _current;
        }
        catch (Exception e)
        {
            _tracker.LastError = "manifest: " + e.Message;
            throw;
        }
    }

    private async Task<ModelLocation> LoadAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        var location = await LoadCoreSharedAsync(entry, cancellationToken).ConfigureAwait(false);
        lock (_publishGate)
        {
            var current = _current;
            if (current.Manifest?.Find(entry.Name)?.ContentHash == entry.ContentHash
                && !(current.Loaded.TryGetValue(entry.Name, out var existing) && existing.ContentHash == entry.ContentHash))
            {
                _current = current with { Loaded = current.Loaded.SetItem(entry.Name, location) };
            }
        }

        CheckReady(_current);
        return location;
    }

    /// <summary>One load per (model, content hash) in this process, whoever asks first; a failed load is forgotten so it can be retried.</summary>
    private async Task<ModelLocation> LoadCoreSharedAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        var key = entry.Name + "@" + entry.ContentHash;
        var lazy = _loads.GetOrAdd(key, _ => new Lazy<Task<ModelLocation>>(() => LoadCoreAsync(entry), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            _loads.TryRemove(new KeyValuePair<string, Lazy<Task<ModelLocation>>>(key, lazy));
            throw;
        }
    }

    private async Task<ModelLocation> LoadCoreAsync(ModelEntry entry)
    {
        var progress = _tracker.For(entry.Name);
        progress.Start();
        try
        {
            // The shared load runs on the store's lifetime: one caller giving up must not cancel it for the others.
            var directory = await _source.MaterializeAsync(entry, progress, _lifetime.Token).ConfigureAwait(false);
            progress.Complete();
            return new ModelLocation(entry.Name, entry.Kind, directory, entry.ContentHash, entry.Labels, entry);
        }
        catch (Exception e)
        {
            progress.Fail(e.Message);
            _tracker.LastError = e.Message;
            throw;
        }
    }

    private void CheckReady(Snapshot snapshot)
    {
        var manifest = snapshot.Manifest;
        if (manifest is not null && manifest.Models.Where(m => m.Required).All(m => snapshot.Loaded.TryGetValue(m.Name, out var l) && l.ContentHash == m.ContentHash))
        {
            _tracker.LastError = null;
            _ready.TrySetResult();
        }
    }

    private async Task RunBackgroundAsync(CancellationToken cancellationToken)
    {
        var delay = StartRetryMin;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_options.PrefetchAll)
                {
                    await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Only the manifest (for the refresh's tag); models load when asked for.
                    await GetManifestAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Status carries the error; keep trying so /ready recovers once storage does.
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, StartRetryMax.Ticks));
            }
        }

        if (_options.RefreshInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.RefreshInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep serving the current snapshot; the next tick tries again.
                _tracker.LastError = "refresh: " + e.Message;
            }
        }
    }

    private sealed record Snapshot(ModelManifest? Manifest, string? Tag, ImmutableDictionary<string, ModelLocation> Loaded, long Version)
    {
        public static readonly Snapshot Empty = new(null, null, ImmutableDictionary.Create<string, ModelLocation>(StringComparer.Ordinal), 0);
    }
}
