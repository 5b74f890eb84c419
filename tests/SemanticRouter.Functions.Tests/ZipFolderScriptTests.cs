using System.IO.Compression;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// <c>functions/zip-folder.sh</c> packs the published app for zip deploy: paths relative to the folder and the
/// handler still executable, both with <c>zip</c> and with the Python fallback used where <c>zip</c> is missing.
/// </summary>
public sealed class ZipFolderScriptTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sr-zip-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Zips_relative_paths_and_keeps_the_handler_executable_with_zip_or_without_it()
    {
        var app = Path.Combine(_work, "functionapp");
        Directory.CreateDirectory(Path.Combine(app, "config"));
        await File.WriteAllTextAsync(Path.Combine(app, "host.json"), """{"version":"2.0"}""");
        await File.WriteAllTextAsync(Path.Combine(app, "config", "router.yaml"), "version: v1\n");
        var handler = Path.Combine(app, "SemanticRouter");
        await File.WriteAllTextAsync(handler, "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(handler, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var script = Path.Combine(RepoPaths.Root, "functions", "zip-folder.sh");

        // As the machine has it (zip when installed).
        var packed = await ExternalProcess.RunAsync("bash", [script, app], timeout: TimeSpan.FromMinutes(1));
        Assert.True(packed.ExitCode == 0, packed.StandardError);
        var withDefaultTools = Entries(app + ".zip");

        // A PATH with only what the fallback needs (no zip): the Python zipfile branch.
        var bin = Path.Combine(_work, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "rm"), Which("rm"));
        // The system interpreter: a version-manager shim on PATH would need the tools this PATH leaves out.
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Which("python3"));

        var fallback = await ExternalProcess.RunAsync("/usr/bin/env", ["PATH=" + bin, Which("bash"), script, app], timeout: TimeSpan.FromMinutes(1));
        Assert.True(fallback.ExitCode == 0, fallback.StandardError);
        var withoutZip = Entries(app + ".zip");

        foreach (var entries in new[] { withDefaultTools, withoutZip })
        {
            Assert.Equal(["SemanticRouter", "config/router.yaml", "host.json"], entries.Keys.Order(StringComparer.Ordinal).ToArray());
            Assert.True((entries["SemanticRouter"] & 0b001_001_001) != 0, "the handler lost its execute bits");
            Assert.True((entries["host.json"] & 0b001_001_001) == 0);
        }
    }

    /// <summary>File entries (directories left out) with their Unix permission bits.</summary>
    private static Dictionary<string, int> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, e => (e.ExternalAttributes >> 16) & 0x1FF);
    }

    private static string Which(string tool) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Where(Path.IsPathRooted).Select(dir => Path.Combine(dir, tool)).First(File.Exists);
}
