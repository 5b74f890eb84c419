using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Functions.Cli;

namespace SemanticRouter.Async.Tests;

/// <summary><c>audit --input FILE.jsonl</c>: per-line results, a per-model/decision summary, unreadable lines reported.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_command_writes_results_and_summarises_hallucination_rate_by_model_and_decision()
    {
        var dir = Directory.CreateTempSubdirectory("audit-cli-");
        var input = Path.Combine(dir.FullName, "in.jsonl");
        var output = Path.Combine(dir.FullName, "out.jsonl");
        string Line(string id, string answer, string model) => JsonSerializer.Serialize(new JsonObject
        {
            ["request_id"] = id,
            ["context"] = TestConfigs.EiffelContext,
            ["question"] = "How tall is the Eiffel Tower?",
            ["answer"] = answer,
            ["model"] = model,
            ["decision"] = "rag",
        });
        await File.WriteAllLinesAsync(input, [Line("a", TestConfigs.EiffelAnswer, "small"), Line("b", "It is 330 m tall.", "large"), "{not json"]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliRoot.Create().Parse(["audit", "--input", input, "--output", output])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.Equal(1, exit);
        Assert.Contains("line 3: invalid JSON", stderr.ToString(), StringComparison.Ordinal);
        var text = stdout.ToString();
        Assert.Contains("audited 2, needs fact-check 2, context missing 0, flagged 1, hallucination rate 50.0 %", text, StringComparison.Ordinal);
        Assert.Contains("small / rag: 1 / 1 (100.0 %)", text, StringComparison.Ordinal);
        Assert.Contains("large / rag: 0 / 1 (0.0 %)", text, StringComparison.Ordinal);
        var results = (await File.ReadAllLinesAsync(output)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["a", "b"], results.Select(r => r["request_id"]!.GetValue<string>()));
        Assert.True(results[0]["hallucination_detected"]!.GetValue<bool>());
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Audit_command_uses_the_ONNX_detector_the_manifest_names()
    {
        using var models = new TemporaryModels();
        models.Add("halu-detector", OnnxDetectorTests.FixtureFolder);
        await models.WriteManifestAsync();
        var input = Path.Combine(models.Directory, "in.jsonl");
        var output = Path.Combine(models.Directory, "out.jsonl");
        await File.WriteAllLinesAsync(input, [JsonSerializer.Serialize(new JsonObject
        {
            ["request_id"] = "a",
            ["context"] = TestConfigs.EiffelContext,
            ["question"] = "How tall is the Eiffel Tower?",
            ["answer"] = "It is 330 m tall.",
        })]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliRoot.Create().Parse(["audit", "--input", input, "--output", output, "--detector-model", "halu-detector", "--models", models.Directory])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });

        // The fixture flags every digit of the answer, so the grounded "330 m" that the lexical detector accepts is flagged.
        Assert.Equal(0, exit);
        Assert.Contains("flagged 1", stdout.ToString(), StringComparison.Ordinal);
        var result = JsonNode.Parse(Assert.Single(await File.ReadAllLinesAsync(output)))!;
        Assert.Equal("halu-detector", result["detector"]!.GetValue<string>());
        Assert.Equal("330", Assert.Single(result["spans"]!.AsArray())!["text"]!.GetValue<string>());

        var unknown = new StringWriter();
        var failed = await CliRoot.Create().Parse(["audit", "--input", input, "--detector-model", "nope", "--models", models.Directory])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = unknown });
        Assert.Equal(2, failed);
        Assert.Contains("--detector-model names 'nope', which is not in", unknown.ToString(), StringComparison.Ordinal);
    }
}
