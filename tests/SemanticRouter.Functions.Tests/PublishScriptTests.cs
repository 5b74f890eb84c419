using System.Diagnostics;
using System.Net;
using System.Text;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// <c>functions/publish.sh</c> builds the deployable Functions app folder and zip; the published, self-contained
/// handler then runs on its own: it serves the demo and runs the shipped models through the bundled ONNX Runtime.
/// </summary>
public sealed class PublishScriptTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "sr-publish-" + Guid.NewGuid().ToString("N"), "functionapp");

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_out)!, recursive: true);
    }

    [Fact]
    public async Task Publish_assembles_a_function_app_that_serves_and_runs_the_models()
    {
        var published = await ExternalProcess.RunAsync("bash", [Path.Combine(RepoPaths.Root, "functions", "publish.sh"), _out], timeout: TimeSpan.FromMinutes(10));
        Assert.True(published.ExitCode == 0, published.StandardOutput + published.StandardError);

        Assert.True(File.Exists(Path.Combine(_out, "host.json")));
        Assert.True(File.Exists(_out + ".zip"));
        foreach (var definition in Directory.GetDirectories(Path.Combine(RepoPaths.Root, "functions", "definitions")))
        {
            Assert.True(File.Exists(Path.Combine(_out, Path.GetFileName(definition), "function.json")), Path.GetFileName(definition));
        }

        Assert.True(File.Exists(Path.Combine(_out, "config", "demo.yaml")));
        Assert.True(File.Exists(Path.Combine(_out, "models", "manifest.json")));
        Assert.False(Directory.Exists(Path.Combine(_out, "models", "training")));
        Assert.True(File.Exists(Path.Combine(_out, "libonnxruntime.so.1")));
        var handler = Path.Combine(_out, "SemanticRouter");

        // The shipped models and the bundled runtime, from the package alone.
        var inferred = await ExternalProcess.RunAsync(handler, ["infer", "--model", Path.Combine(_out, "models", "prompt-classifier"), "--text", "What is the derivative of sin x with respect to x?"], timeout: TimeSpan.FromMinutes(2));
        Assert.True(inferred.ExitCode == 0, inferred.StandardError);
        Assert.Contains("\"label\":\"math\"", inferred.StandardOutput, StringComparison.Ordinal);

        var port = FreePort.Next();
        using var serve = Process.Start(new ProcessStartInfo(handler, ["serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            // Only stderr is captured (read if the handler exits early); its log lines go to stdout, left unread.
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
                Assert.Fail("the published handler exited: " + await serve.StandardError.ReadToEndAsync());
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

            Assert.True(DateTime.UtcNow < deadline, "the published handler did not answer /health within 60 s");
            await Task.Delay(200);
        }
    }
}
