using System.Diagnostics;
using System.Text.Json;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Benchmarks;

/// <summary>
/// The transformers.js side (tests/node/bench-transformers.mjs), kept running so latency cases can alternate with
/// ours one by one: under shared machine load, both sides then see the same conditions.
/// </summary>
internal sealed class TransformersJsProcess : IAsyncDisposable
{
    private readonly Process process;

    private TransformersJsProcess(Process process)
    {
        this.process = process;
    }

    public static async Task<(TransformersJsProcess Process, ThroughputResult Tokenizer)> StartAsync(string planFile)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine("tests", "node", "bench-transformers.mjs"));
        psi.ArgumentList.Add(planFile);
        var node = new TransformersJsProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start node"));
        var tokenizer = JsonSerializer.Deserialize<ThroughputResult>(await node.ReadLineAsync())!;
        return (node, tokenizer);
    }

    public async Task<LatencyResult> TimeCaseAsync(int index)
    {
        await process.StandardInput.WriteLineAsync(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await process.StandardInput.FlushAsync();
        return JsonSerializer.Deserialize<LatencyResult>(await ReadLineAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private async Task<string> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        return await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("transformers.js benchmark exited early (see its stderr above)");
    }
}
