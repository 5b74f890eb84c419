using System.ClientModel;
using System.CommandLine;
using OpenAI;
using OpenAI.Chat;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>The README's first command (<c>serve --demo</c>) and <c>validate</c>, run through the real CLI entry point.</summary>
public sealed class CliServeAndValidateTests
{
    [Fact]
    public async Task Serve_demo_answers_a_MoM_request_with_the_routing_headers()
    {
        var port = FreePort.Next();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serving = CliRoot.Create().Parse(["serve", "--demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, stop.Token);
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        await InProcessServe.WaitUntilHealthyAsync(baseAddress, serving, TimeSpan.FromSeconds(30), "serve --demo");

        var client = new ChatClient("MoM", new ApiKeyCredential("demo"), new OpenAIClientOptions { Endpoint = new Uri(baseAddress, "/v1") });
        ClientResult<ChatCompletion> result = await client.CompleteChatAsync([new UserChatMessage("What is the derivative of x^3?")]);
        var headers = result.GetRawResponse().Headers;

        Assert.True(headers.TryGetValue("x-vsr-selected-decision", out var decision));
        Assert.Equal("math", decision);
        Assert.True(headers.TryGetValue("x-vsr-selected-model", out var model));
        Assert.Equal("large", model);
        Assert.False(string.IsNullOrWhiteSpace(result.Value.Content[0].Text));

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Validate_accepts_the_examples_and_names_the_yaml_path_of_each_problem()
    {
        var good = Path.Combine(RepoPaths.Root, "config", "examples", "gateway.yaml");
        var output = new StringWriter();
        Assert.Equal(0, await CliRoot.Create().Parse(["validate", "--config", good]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }));
        Assert.Contains("gateway.yaml: OK", output.ToString(), StringComparison.Ordinal);

        var bad = Path.Combine(Path.GetTempPath(), $"sr-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(bad, """
            version: v1
            providers:
              default_model: missing
              models:
                - {name: small, provider_model_id: s, backend_refs: [{name: a, base_url: "http://127.0.0.1:9/v1"}]}
            routing:
              decisions:
                - {name: d, priority: 1, rules: {operator: AND, conditions: [{type: keyword, name: nope}]}, modelRefs: [{model: ghost}]}
            """);
        try
        {
            output = new StringWriter();
            Assert.Equal(1, await CliRoot.Create().Parse(["validate", "--config", bad]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }));
            var text = output.ToString();
            Assert.Contains("providers.default_model", text, StringComparison.Ordinal);
            Assert.Contains("routing.decisions[0].modelRefs[0].model", text, StringComparison.Ordinal);
            Assert.Contains("routing.decisions[0].rules.conditions[0]", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task Dotnet_run_resolves_a_relative_config_path_against_the_callers_directory()
    {
        // As the README runs it; the Web SDK would otherwise start the app in the project folder.
        var result = await ExternalProcess.RunAsync(
            "dotnet",
            ["run", "--no-build", "--project", Path.Combine(RepoPaths.Root, "functions", "SemanticRouter.Functions"), "--", "validate", "--config", "gateway.yaml"],
            timeout: TimeSpan.FromMinutes(2),
            workingDirectory: Path.Combine(RepoPaths.Root, "config", "examples"));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("gateway.yaml: OK", result.StandardOutput, StringComparison.Ordinal);
    }
}
