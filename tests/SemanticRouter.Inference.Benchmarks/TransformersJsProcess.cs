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

    public static async Task<TransformersJsProcess> StartAsync(string planFile)
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
        var ready = await node.ReadLineAsync();
        return ready == "ready" ? node : throw new InvalidOperationException("transformers.js benchmark did not start: " + ready);
    }

    public async Task<LatencyResult> TimeCaseAsync(int index) =>
        JsonSerializer.Deserialize<LatencyResult>(await RequestAsync(index.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;

    /// <summary>One timed pass of the tokenizer over the plan's texts.</summary>
    public async Task<ThroughputResult> TimeTokenizerAsync() => JsonSerializer.Deserialize<ThroughputResult>(await RequestAsync("tokenizer"))!;

    private async Task<string> RequestAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
        return await ReadLineAsync();
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
