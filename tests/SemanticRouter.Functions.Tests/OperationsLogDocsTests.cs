using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// docs/operations.md's "Logs" section is true of the real binary: the per-request line appears at the level and
/// category it names once the setting it names is applied, not before, and the request id comes back in the header
/// it names. The claims are read from the doc, so a doc edit that drifts from the code fails here.
/// </summary>
public sealed partial class OperationsLogDocsTests
{
    private static readonly string App = Path.Combine(AppContext.BaseDirectory, "SemanticRouter.dll");

    [GeneratedRegex(@"One structured line per request at (?<level>\w+) \(category `(?<category>[^`]+)`\):\s*`(?<message>[^`]+)`")]
    private static partial Regex PerRequestLine();

    [GeneratedRegex(@"turn it on with\s+`(?<name>Logging__LogLevel__[^=`]+)=(?<value>\w+)`")]
    private static partial Regex TurnOnSetting();

    [GeneratedRegex(@"is returned in the response's `(?<header>[^`]+)`\s+header")]
    private static partial Regex RequestIdHeader();

    [Fact]
    public async Task The_per_request_log_line_and_request_id_header_are_as_operations_md_says()
    {
        var logs = LogsSection();
        var line = Match(PerRequestLine(), logs, "the per-request log line, its level and category");
        var setting = Match(TurnOnSetting(), logs, "the setting that turns the line on");
        var header = Match(RequestIdHeader(), logs, "the header the request id comes back in").Groups["header"].Value;
        var level = line.Groups["level"].Value;
        var category = line.Groups["category"].Value;
        Assert.Equal("Logging__LogLevel__" + category, setting.Groups["name"].Value);
        Assert.Equal(level, setting.Groups["value"].Value);
        var shown = new Regex(Regex.Escape(ConsolePrefix(level) + ": " + category) + @"\[\d+\] " +
            Regex.Replace(Regex.Escape(line.Groups["message"].Value), @"\\\{\w+}", ".+?"));

        // Off by default: the documented level is below the default Information, so without the setting no line.
        var quiet = await ServeAndAskAsync(environment: [], "req-docs-quiet", header);
        Assert.DoesNotContain("req-docs-quiet", quiet, StringComparison.Ordinal);

        var loud = await ServeAndAskAsync([$"{setting.Groups["name"].Value}={setting.Groups["value"].Value}"], "req-docs-loud", header);
        Assert.Matches(shown, loud);
        Assert.Contains("Request req-docs-loud answered by ", loud, StringComparison.Ordinal);
    }

    private static string LogsSection()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md"));
        var start = doc.IndexOf("\n## Logs", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operations.md has a Logs section");
        var end = doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return doc[start..(end < 0 ? doc.Length : end)];
    }

    private static Match Match(Regex pattern, string text, string what)
    {
        var match = pattern.Match(text);
        Assert.True(match.Success, $"docs/operations.md 'Logs' states {what} ({pattern})");
        return match;
    }

    /// <summary>How the console logger's simple formatter writes a level.</summary>
    private static string ConsolePrefix(string level) => Enum.Parse<LogLevel>(level) switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    /// <summary>
    /// Runs the real <c>serve --demo</c> with the given settings, sends one chat completion with the client's request
    /// id, checks the id comes back in <paramref name="header"/>, and stops it gracefully and returns everything it printed.
    /// </summary>
    private static async Task<string> ServeAndAskAsync(string[] environment, string requestId, string header)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in (string[])[.. environment, "dotnet", App, "serve", "--demo", "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Printed() { lock (output) { return output.ToString(); } }
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(process.HasExited, "serve --demo exited early:\n" + Printed());
                try
                {
                    if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "serve --demo did not answer /health within 60 s:\n" + Printed());
                await Task.Delay(50);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"MoM","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-request-id", requestId);
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
            Assert.True(response.Headers.TryGetValues(header, out var ids), $"the response has no {header} header");
            Assert.Equal(requestId, Assert.Single(ids));

            // A graceful stop flushes the console logger's queue, so everything the request logged is printed.
            Assert.Equal(0, (await ExternalProcess.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])).ExitCode);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return Printed();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
