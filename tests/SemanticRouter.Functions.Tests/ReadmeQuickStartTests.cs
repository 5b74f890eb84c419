using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// The README cannot drift from the code: every command of its quick start's shell blocks runs against a real
/// <c>serve --demo</c>, and what the README shows after a command (<c># HTTP/1.1 200 OK</c>, <c># header: value</c>)
/// must be what the router answers. Generic over the commands: a new curl line in the quick start is run too, and so is
/// a CLI line (<c>dotnet run --project functions/SemanticRouter.Functions -- VERB ...</c>), in process, which must exit 0.
/// </summary>
public sealed partial class ReadmeQuickStartTests
{
    private const string CliPrefix = "dotnet run --project functions/SemanticRouter.Functions -- ";

    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [GeneratedRegex(@"^```(?:bash|sh|shell)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^# (?<name>[A-Za-z0-9-]+): (?<value>\S.*)$")]
    private static partial Regex ShownHeader();

    [GeneratedRegex(@"^# HTTP/1\.1 (?<status>\d{3})")]
    private static partial Regex ShownStatus();

    [Fact]
    public async Task Every_quick_start_command_runs_against_serve_demo_and_answers_as_shown()
    {
        var commands = QuickStartCommands();
        Assert.True(commands.Count >= 5, $"only {commands.Count} commands found in the quick start");
        var port = FreePort.Next();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var serving = CliRoot.Create().Parse(["serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await InProcessServe.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}"), serving, TimeSpan.FromSeconds(60), "serve --demo");

        foreach (var command in commands)
        {
            if (command.Line.StartsWith(CliPrefix, StringComparison.Ordinal))
            {
                var args = Curl.ShellWords(command.Line[CliPrefix.Length..].Replace("http://127.0.0.1:8080", $"http://127.0.0.1:{port}", StringComparison.Ordinal));
                var output = new StringWriter();
                var exit = await CliRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
                Assert.True(exit == 0, $"README: {command.Line}\n=> exit {exit}: {output}");
                continue;
            }

            var request = Curl.ToRequest(command.Line, "http://127.0.0.1:8080", $"http://127.0.0.1:{port}");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var what = $"README: {command.Line}";
            Assert.True(command.Status is null ? response.IsSuccessStatusCode : (int)response.StatusCode == command.Status, $"{what}\n=> {(int)response.StatusCode} {body}");
            foreach (var (name, value) in command.Headers)
            {
                Assert.True(response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values), $"{what}\n=> no {name} header");
                Assert.Equal(value, values.Single());
            }
        }

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_cli_help_the_readme_points_to_runs_and_lists_the_verbs_it_names()
    {
        var sentence = Regex.Match(Readme, @"Other CLI verbs \((?<verbs>[^)]*)\)[^.]*run\s+`(?<help>[^`]+)`");
        Assert.True(sentence.Success, "README names the other CLI verbs and how to list them");
        Assert.Matches(@"^dotnet run --project functions/SemanticRouter\.Functions -- --help$", sentence.Groups["help"].Value);
        var output = new StringWriter();

        var exit = await CliRoot.Create().Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });

        Assert.Equal(0, exit);
        foreach (Match verb in Regex.Matches(sentence.Groups["verbs"].Value, @"`(?<verb>[a-z]+)"))
        {
            Assert.Matches(@"(?m)^\s+" + verb.Groups["verb"].Value + @"\b", output.ToString());
        }
    }

    internal sealed record QuickStartCommand(string Line, int? Status, IReadOnlyList<(string Name, string Value)> Headers);

    /// <summary>The curl and CLI commands of the quick start's shell blocks (continuation lines joined), each with what the README shows after it.</summary>
    internal static List<QuickStartCommand> QuickStartCommands()
    {
        var start = Readme.IndexOf("## Five-minute quick start", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has a quick start");
        var end = Readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = Readme[start..(end < 0 ? Readme.Length : end)];
        var commands = new List<QuickStartCommand>();
        foreach (Match block in ShellBlock().Matches(section))
        {
            var lines = block.Groups["body"].Value.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("curl ", StringComparison.Ordinal) && !lines[i].StartsWith(CliPrefix, StringComparison.Ordinal))
                {
                    Assert.True(lines[i].Length == 0 || lines[i].StartsWith('#'), $"README quick start has a command the test cannot run: {lines[i]}");
                    continue;
                }

                var line = new StringBuilder(lines[i].TrimEnd('\\', ' '));
                while (lines[i].EndsWith('\\'))
                {
                    i++;
                    line.Append(' ').Append(lines[i].Trim().TrimEnd('\\', ' '));
                }

                int? status = null;
                var headers = new List<(string, string)>();
                for (var j = i + 1; j < lines.Length && lines[j].StartsWith("# ", StringComparison.Ordinal) && !lines[j].EndsWith(':'); j++)
                {
                    if (ShownStatus().Match(lines[j]) is { Success: true } s)
                    {
                        status = int.Parse(s.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (ShownHeader().Match(lines[j]) is { Success: true } h)
                    {
                        headers.Add((h.Groups["name"].Value, h.Groups["value"].Value));
                    }
                }

                commands.Add(new QuickStartCommand(line.ToString(), status, headers));
            }
        }

        return commands;
    }

    /// <summary>The curl options the README uses, as an HttpRequestMessage: -s/-i/-N (output only), -H, -d (POST), the URL.</summary>
    private static class Curl
    {
        public static HttpRequestMessage ToRequest(string line, string documentedBase, string actualBase)
        {
            var words = ShellWords(line);
            Assert.Equal("curl", words[0]);
            string? url = null;
            string? data = null;
            var headers = new List<(string, string)>();
            for (var i = 1; i < words.Count; i++)
            {
                switch (words[i])
                {
                    case "-H":
                        var colon = words[++i].IndexOf(':', StringComparison.Ordinal);
                        headers.Add((words[i][..colon].Trim(), words[i][(colon + 1)..].Trim()));
                        break;
                    case "-d" or "--data":
                        data = words[++i];
                        break;
                    case var flag when flag.StartsWith('-'):
                        Assert.Matches("^-[siN]+$", flag);
                        break;
                    default:
                        Assert.StartsWith(documentedBase, words[i], StringComparison.Ordinal);
                        url = actualBase + words[i][documentedBase.Length..];
                        break;
                }
            }

            var request = new HttpRequestMessage(data is null ? HttpMethod.Get : HttpMethod.Post, url ?? throw new InvalidOperationException("no URL in " + line));
            if (data is not null)
            {
                request.Content = new StringContent(data, Encoding.UTF8);
                request.Content.Headers.ContentType = null;
            }

            foreach (var (name, value) in headers)
            {
                if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase) && request.Content is not null)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return request;
        }

        /// <summary>POSIX shell words: single quotes literal, double quotes with backslash escapes, unquoted backslash escapes.</summary>
        public static List<string> ShellWords(string line)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            var inWord = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c == '\'')
                {
                    var close = line.IndexOf('\'', i + 1);
                    current.Append(line, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                }
                else if (c == '"')
                {
                    for (i++; line[i] != '"'; i++)
                    {
                        current.Append(line[i] == '\\' ? line[++i] : line[i]);
                    }

                    inWord = true;
                }
                else if (c == '\\')
                {
                    current.Append(line[++i]);
                    inWord = true;
                }
                else if (char.IsWhiteSpace(c))
                {
                    if (inWord)
                    {
                        words.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }
                }
                else
                {
                    current.Append(c);
                    inWord = true;
                }
            }

            if (inWord)
            {
                words.Add(current.ToString());
            }

            return words;
        }
    }
}
