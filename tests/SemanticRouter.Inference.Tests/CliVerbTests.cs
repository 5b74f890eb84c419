using System.Diagnostics;
using System.Text.Json;
using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.Tokenization;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

/// <summary>Runs the built router binary's <c>tokenize</c> and <c>infer</c> verbs as a user would.</summary>
public sealed class CliVerbTests
{
    [Fact]
    public async Task Tokenize_prints_one_json_array_of_ids_per_input_line()
    {
        var folder = FixtureModels.Folder(FixtureModels.Classifier);
        var lines = new[] { "What is the derivative of x^2?", string.Empty, "中文 😀 café" };
        var input = Path.GetTempFileName();
        await File.WriteAllLinesAsync(input, lines);
        try
        {
            var (code, stdout, _) = await RunCliAsync("tokenize", "--tokenizer", folder, "--input", input);

            Assert.Equal(0, code);
            var printed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tokenizer = TokenizerLoader.Load(folder);
            Assert.Equal(lines.Length, printed.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                Assert.Equal(tokenizer.Encode(lines[i], int.MaxValue, OverflowBehavior.Throw).Ids, JsonSerializer.Deserialize<int[]>(printed[i]));
            }
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task Infer_prints_a_json_line_per_text_for_each_model_kind()
    {
        var (code, stdout, _) = await RunCliAsync("infer", "--model", FixtureModels.Folder(FixtureModels.Classifier), "--text", "What is the derivative of x^2?");
        Assert.Equal(0, code);
        using var classifier = ModelLoader.LoadSequenceClassifier(FixtureModels.Folder(FixtureModels.Classifier));
        var expected = classifier.Classify("What is the derivative of x^2?");
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(expected.Label, doc.RootElement.GetProperty("label").GetString());
            Assert.Equal(expected.Score, doc.RootElement.GetProperty("score").GetSingle(), 5);
        }

        (code, stdout, _) = await RunCliAsync("infer", "--model", FixtureModels.Folder(FixtureModels.Embedder), "--text", "hello");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(32, doc.RootElement.GetProperty("embedding").GetArrayLength());
        }

        (code, stdout, _) = await RunCliAsync("infer", "--model", FixtureModels.Folder(FixtureModels.MultiHead), "--text", "hello");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.True(doc.RootElement.GetProperty("heads").TryGetProperty("jailbreak", out _));
        }

        (code, stdout, _) = await RunCliAsync("infer", "--model", FixtureModels.Folder(FixtureModels.TokenClassifier), "--text", "john smith lives in paris");
        Assert.Equal(0, code);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("entities").ValueKind);
        }
    }

    [Fact]
    public async Task Infer_on_a_missing_model_exits_1_with_the_reason()
    {
        var (code, _, stderr) = await RunCliAsync("infer", "--model", Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N")), "--text", "x");

        Assert.Equal(1, code);
        Assert.Contains("Model folder not found", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        // The test's own build configuration (Debug/Release) is the functions app's too.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(RepoPaths.Root, "functions", "SemanticRouter.Functions", "bin", configuration, "net10.0", "SemanticRouter.dll");
        Assert.True(File.Exists(dll), "router binary not built: " + dll);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
