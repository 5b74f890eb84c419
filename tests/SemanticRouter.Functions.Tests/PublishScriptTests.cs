using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Tests.StandInHost;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// <c>functions/publish.sh</c> is the one command that builds the deployable app: a linux-x64 dotnet-isolated worker
/// with its metadata, config/ and models/, zipped. The published folder then runs both ways: under the (stand-in)
/// Functions host with the settings of local.settings.sample.json as they are, and as the standalone CLI.
/// </summary>
public sealed class PublishScriptTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "sr-publish-" + Guid.NewGuid().ToString("N"), "functionapp");

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(_out)))
        {
            Directory.Delete(Path.GetDirectoryName(_out)!, recursive: true);
        }
    }

    [Fact]
    public async Task Publish_refuses_a_config_that_is_not_there_before_building_anything()
    {
        var published = await ExternalProcess.RunAsync("/usr/bin/env", ["SEMANTIC_ROUTER_CONFIG=config/no-such-router.yaml", "bash", Path.Combine(RepoPaths.Root, "functions", "publish.sh"), _out], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(2, published.ExitCode);
        Assert.Contains("config/no-such-router.yaml does not exist", published.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public async Task Publish_writes_a_dotnet_isolated_app_that_runs_under_the_host_with_the_sample_settings_and_standalone()
    {
        // The sample settings' config, as a first-time user publishes before writing their own router.yaml.
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var published = await ExternalProcess.RunAsync("/usr/bin/env", ["SEMANTIC_ROUTER_CONFIG=" + (string)sample["SEMANTIC_ROUTER_CONFIG"]!, "bash", Path.Combine(RepoPaths.Root, "functions", "publish.sh"), _out], timeout: TimeSpan.FromMinutes(10));
        Assert.True(published.ExitCode == 0, published.StandardOutput + published.StandardError);

        foreach (var file in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "SemanticRouter.dll", "config/demo.yaml", "models/manifest.json" })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        Assert.True(Directory.Exists(Path.Combine(_out, ".azurefunctions")), "the host's extension assemblies (.azurefunctions/) are missing");
        Assert.False(Directory.Exists(Path.Combine(_out, "models", "training")));
        // ONNX Runtime from its NuGet package, linux-x64 only: no other platform's native files.
        Assert.True(File.Exists(Path.Combine(_out, "libonnxruntime.so")), "libonnxruntime.so (Microsoft.ML.OnnxRuntime, linux-x64) is missing");
        Assert.Empty(Directory.GetFiles(_out, "onnxruntime*.dll"));
        var runtimes = Path.Combine(_out, "runtimes");
        Assert.True(!Directory.Exists(runtimes) || Directory.GetDirectories(runtimes).All(d => Path.GetFileName(d).StartsWith("linux-x64", StringComparison.Ordinal) || Path.GetFileName(d) == "linux"), "other platforms' native files were published");
        using (var zip = ZipFile.OpenRead(_out + ".zip"))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "functions.metadata");
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("function.json", StringComparison.Ordinal));
        }

        // Under the Functions host, with local.settings.sample.json's values (Azurite on this test's own ports).
        await using (var azurite = new AzuriteServer())
        {
            await azurite.StartAsync();
            var settings = sample.ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
            settings["AzureWebJobsStorage"] = azurite.ConnectionString;
            await using var host = await StandInFunctionsHost.StartAsync(settings, _out);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var (response, result) = await host.InvokeHttpAsync(http, "ChatCompletions", new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(TestConfigs.Body("What is the integral of x^2?"), Encoding.UTF8, "application/json") });
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, body + host.Diagnostics());
                Assert.Equal("math", response.Headers.GetValues("x-vsr-selected-decision").Single());
                Assert.Contains("[demo backend, model demo-large-70b]", body, StringComparison.Ordinal);
            }

            Assert.Equal(SemanticRouter.Functions.Tests.StandInHost.Rpc.StatusResult.Types.Status.Success, (await result).Result.Status);
        }

        // Standalone, from the same folder: the shipped models through the bundled runtime, and serve --demo.
        var dll = Path.Combine(_out, "SemanticRouter.dll");
        var inferred = await ExternalProcess.RunAsync("dotnet", [dll, "infer", "--model", Path.Combine(_out, "models", "prompt-classifier"), "--text", "What is the derivative of sin x with respect to x?"], timeout: TimeSpan.FromMinutes(2));
        Assert.True(inferred.ExitCode == 0, inferred.StandardError);
        Assert.Contains("\"label\":\"math\"", inferred.StandardOutput, StringComparison.Ordinal);

        var port = FreePort.Next();
        using var serve = Process.Start(new ProcessStartInfo("dotnet", [dll, "serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            // Only stderr is captured (read if the server exits early); its log lines go to stdout, left unread.
            RedirectStandardOutput = false,
            RedirectStandardError = true,
            WorkingDirectory = _out,
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitForHealthAsync(http, serve);
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent(TestConfigs.Body("What is the integral of x^2?"), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("math", response.Headers.GetValues("x-vsr-selected-decision").Single());
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process serve)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (serve.HasExited)
            {
                Assert.Fail("the published app exited: " + await serve.StandardError.ReadToEndAsync());
            }

            try
            {
                using var health = await http.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // still starting
            }

            Assert.True(DateTime.UtcNow < deadline, "the published app did not answer /health within 60 s");
            await Task.Delay(200);
        }
    }
}
