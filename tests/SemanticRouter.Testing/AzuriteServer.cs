using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace SemanticRouter.Testing;

/// <summary>
/// Azurite (npm azurite@3.35.0 from the repository lockfile) on free loopback ports with its own
/// data folder. Use it as an xunit fixture: <c>IClassFixture&lt;AzuriteServer&gt;</c>, or declare
/// <c>[CollectionDefinition("Azurite")] public sealed class AzuriteCollection : ICollectionFixture&lt;AzuriteServer&gt;;</c>
/// in the test assembly (xunit requires collection definitions there) and share one instance.
/// The default instance keeps its data in its own temp folder (<c>--location</c>), so
/// <see cref="StopAsync"/>/<see cref="StartAsync"/> restart it on the same ports with its data intact
/// (for tests that stop storage mid-operation); <see cref="InMemoryOnly"/> skips the disk.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime, IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxLogChars = 64 * 1024;
    private readonly StringBuilder _log = new();
    private Process? _process;

    public AzuriteServer()
        : this(inMemory: false)
    {
    }

    private AzuriteServer(bool inMemory)
    {
        InMemory = inMemory;
        DataDirectory = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        BlobPort = FreePort.Next();
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();
    }

    /// <summary>Data folder; with in-memory persistence only the working directory (Azurite writes nothing there).</summary>
    public string DataDirectory { get; }

    /// <summary>True when data lives in memory and does not survive <see cref="StopAsync"/>.</summary>
    public bool InMemory { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public bool IsRunning => _process is { HasExited: false };

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>A SharedKey connection string for this instance (the well-known development account).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>What Azurite printed (bounded), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The behaviour flags every instance starts with; docs/storage.md and docs/deploy.md document the same ones.</summary>
    public static IReadOnlyList<string> Flags { get; } = ["--skipApiVersionCheck", "--loose", "--disableTelemetry"];

    /// <summary>An instance that keeps data in memory only (<c>--inMemoryPersistence</c>): lost on stop.</summary>
    public static AzuriteServer InMemoryOnly() => new(inMemory: true);

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        var script = ScriptPath();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = DataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string[] persistence = InMemory ? ["--inMemoryPersistence"] : ["--location", DataDirectory];
        string[] arguments =
        [
            script, .. persistence,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(inv),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(inv),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(inv),
            .. Flags,
        ];
        foreach (var arg in arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node for Azurite");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;

        var deadline = Stopwatch.StartNew();
        while (!(await AcceptsAsync(BlobPort, cancellationToken) && await AcceptsAsync(QueuePort, cancellationToken) && await AcceptsAsync(TablePort, cancellationToken)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with {process.ExitCode} during start:\n{Log}");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await StopAsync(CancellationToken.None);
                throw new TimeoutException($"Azurite did not accept connections within 60 s:\n{Log}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Stops Azurite gracefully (SIGTERM, so it saves its metadata), killing it if it lingers.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            if (!process.HasExited)
            {
                using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                {
                    if (term is not null)
                    {
                        await term.WaitForExitAsync(cancellationToken);
                    }
                }

                using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                graceful.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(graceful.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test run over it.
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static string ScriptPath()
    {
        // The bin entry of node_modules/azurite/package.json ("azurite": "./dist/src/azurite.js").
        var script = Path.Combine(RepoPaths.NodeModules, "azurite", "dist", "src", "azurite.js");
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException($"Azurite is not installed at {script}; build tests/SemanticRouter.Testing (it runs `npm ci`).");
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < MaxLogChars)
            {
                _log.AppendLine(line);
            }
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
