using System.Net;
using System.Net.Sockets;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>A setup mistake at start-up is one clear line on stderr and a non-zero exit code, never a stack trace.</summary>
public sealed class ServeStartupErrorTests
{
    private static readonly string App = Path.Combine(AppContext.BaseDirectory, "SemanticRouter.dll");

    [Fact]
    public async Task A_missing_config_file_is_one_line_and_exit_code_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"sr-missing-{Guid.NewGuid():N}.yaml");

        var result = await ServeAsync(["serve", "--config", missing]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"{missing}: config file not found", OneLine(result));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await ServeAsync(["serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"port {port}", OneLine(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_models_folder_is_one_line_and_exit_code_1()
    {
        var notAFolder = Path.GetTempFileName();
        try
        {
            var config = Path.Combine(RepoPaths.Root, "config", "examples", "learned-signals.yaml");

            var result = await ServeAsync(["serve", "--config", config, "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)], notAFolder);

            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith($"models folder {notAFolder} cannot be read", OneLine(result), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    private static async Task<ProcessResult> ServeAsync(string[] args, string? modelsFolder = null)
    {
        // The real binary, so what a user sees on both streams is what the test sees.
        var env = modelsFolder is null ? [] : new[] { "SEMANTIC_ROUTER_MODELS=" + modelsFolder };
        return await ExternalProcess.RunAsync("env", [.. env, "dotnet", App, .. args], timeout: TimeSpan.FromMinutes(2));
    }

    private static string OneLine(ProcessResult result)
    {
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Assert.Single(lines);
    }
}
