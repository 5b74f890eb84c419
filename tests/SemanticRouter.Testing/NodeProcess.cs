namespace SemanticRouter.Testing;

/// <summary>Runs Node.js scripts from the repository's npm tooling (installed by this project's build).</summary>
public static class NodeProcess
{
    /// <summary>Runs `node script args`, feeding stdin, and returns stdout; throws with stderr on failure.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var result = await ExternalProcess.RunAsync("node", [script, .. args], stdin, timeout, cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result.StandardOutput
            : throw new InvalidOperationException($"node {script} exited with {result.ExitCode}: {result.StandardError}");
    }
}
