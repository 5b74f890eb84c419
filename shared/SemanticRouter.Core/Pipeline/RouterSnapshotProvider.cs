using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Core.Pipeline;

/// <summary>
/// Holds the active snapshot and reloads it when the config file changes. A new file is loaded and
/// compiled off to the side and swapped in atomically; an invalid file is rejected with a log line
/// and the old snapshot keeps serving. In-flight requests finish on the snapshot they started with.
/// </summary>
public sealed partial class RouterSnapshotProvider : IRouterSnapshotSource, IDisposable
{
    private readonly RouterConfigLoader _loader;
    private readonly Func<string, string?> _environment;
    private readonly ILogger _logger;
    private readonly string? _path;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _poll;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly BackendHealthRegistry _health = new();
    private RouterSnapshot _current;
    private string? _lastContent;
    private bool _lastAccepted = true;

    /// <summary>Serves a fixed config (embedded defaults or tests); no reloads.</summary>
    /// <param name="configText">The YAML <paramref name="config"/> was loaded from, for <see cref="RouterSnapshot.ConfigHash"/>; null when there is none.</param>
    public RouterSnapshotProvider(RouterConfig config, RouterExtensions extensions, Func<string, string?> environment, ILogger logger, string? configText = null)
    {
        _loader = new RouterConfigLoader(extensions, environment);
        _environment = environment;
        _logger = logger;
        _current = Compile(config, configText);
    }

    /// <summary>Loads <paramref name="path"/> (throws if invalid) and watches it for changes.</summary>
    public RouterSnapshotProvider(string path, RouterExtensions extensions, Func<string, string?> environment, ILogger logger, TimeSpan? pollInterval = null)
    {
        _loader = new RouterConfigLoader(extensions, environment);
        _environment = environment;
        _logger = logger;
        _path = Path.GetFullPath(path);
        _lastContent = File.ReadAllText(_path);
        _current = Compile(_loader.Load(_lastContent), _lastContent);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => _ = ReloadAsync();
        _watcher.Created += (_, _) => _ = ReloadAsync();
        _watcher.Renamed += (_, _) => _ = ReloadAsync();
        _watcher.EnableRaisingEvents = true;

        // Watchers miss events on some file systems (network shares, containers); a slow poll backs them up.
        var interval = pollInterval ?? TimeSpan.FromSeconds(5);
        _poll = new Timer(_ => _ = ReloadAsync(), null, interval, interval);
    }

    public RouterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Backend health (streaks, ejections, health checks), kept across reloads.</summary>
    public BackendHealthRegistry Health => _health;

    /// <summary>Raised after a new snapshot is swapped in.</summary>
    public event Action<RouterSnapshot>? Reloaded;

    /// <summary>Reloads the file if its content changed; returns false when the file's current content is rejected.</summary>
    public async Task<bool> ReloadAsync()
    {
        if (_path is null)
        {
            return true;
        }

        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            string content;
            try
            {
                content = await File.ReadAllTextAsync(_path).ConfigureAwait(false);
                if (content == _lastContent)
                {
                    // Already handled (by the watcher, the poll or an earlier call): same verdict.
                    return _lastAccepted;
                }

            }
            catch (IOException)
            {
                // Editors replace files in steps; the next event or poll reads the finished file.
                return true;
            }

            var (config, errors) = _loader.TryLoad(content);
            if (config is null)
            {
                _lastContent = content;
                _lastAccepted = false;
                LogRejected(_path, errors.Count, string.Join("; ", errors));
                return false;
            }

            RouterSnapshot snapshot;
            try
            {
                snapshot = Compile(config, content);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _lastContent = content;
                _lastAccepted = false;
                LogRejected(_path, 1, e.Message);
                return false;
            }

            _lastContent = content;
            _lastAccepted = true;
            Volatile.Write(ref _current, snapshot);
            _health.RetainOnly(snapshot.Models);
            LogReloaded(_path);
            Reloaded?.Invoke(snapshot);
            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll?.Dispose();
        _reloadGate.Dispose();
    }

    private RouterSnapshot Compile(RouterConfig config, string? text)
    {
        var snapshot = new RouterSnapshot(config, _loader.Extensions, _environment, _health) { ConfigHash = text is null ? null : Hash(text) };
        foreach (var model in snapshot.Models)
        {
            foreach (var backend in model.Backends.Where(b => b.MissingApiKey))
            {
                LogMissingKey(model.Name, backend.Name, backend.Config.ApiKeyEnv!);
            }
        }

        return snapshot;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [LoggerMessage(Level = LogLevel.Error, Message = "Rejected new config {Path}: {Count} problem(s): {Problems}. The previous config stays active.")]
    private partial void LogRejected(string path, int count, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded config {Path}")]
    private partial void LogReloaded(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} backend {Backend}: environment variable {Variable} (api_key_env) is not set; requests go without credentials")]
    private partial void LogMissingKey(string model, string backend, string variable);
}
