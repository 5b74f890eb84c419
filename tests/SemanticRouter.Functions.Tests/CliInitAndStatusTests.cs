using System.ClientModel;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Hosting;
using SemanticRouter.Signals.Models;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// A new user's first steps through the real CLI entry point: <c>init</c> a config, <c>validate</c> it, <c>serve</c> it
/// and route through it with the OpenAI SDK, then ask <c>status</c> about the running router — and what each verb
/// says when something is wrong (file exists, bad flag, router not ready, nothing listening).
/// </summary>
public sealed class CliInitAndStatusTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sr-init-{Guid.NewGuid():N}");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Init_writes_a_config_that_validate_accepts_serve_routes_with_and_status_reports_ready()
    {
        await using var small = await LoopbackBackend.StartAsync("small");
        await using var large = await LoopbackBackend.StartAsync("large");
        var keyVariable = $"SR_INIT_TEST_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(keyVariable, "sk-from-the-environment");
        var file = Path.Combine(_dir, "router.yaml");

        var init = await RunAsync("init", "--output", file, "--small-url", small.BaseUrl.ToString(), "--small-model", "tiny-chat-1b", "--small-api-key-env", keyVariable, "--large-url", large.BaseUrl.ToString(), "--large-model", "big-thinker-70b");
        Assert.True(init.Exit == 0, init.Error);
        var yaml = await File.ReadAllTextAsync(file);
        Assert.Contains($"api_key_env: {keyVariable}", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-from-the-environment", yaml, StringComparison.Ordinal);
        Assert.StartsWith("# ", yaml, StringComparison.Ordinal);

        var validate = await RunAsync("validate", "--config", file);
        Assert.True(validate.Exit == 0, validate.Output);
        Assert.Contains("router.yaml: OK (2 models, 3 decisions)", validate.Output, StringComparison.Ordinal);

        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var serving = CliRoot.Create().Parse(["serve", "--config", file, "--port", port.ToString(CultureInfo.InvariantCulture)])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, stop.Token);
        try
        {
            await InProcessServe.WaitUntilHealthyAsync(new Uri(url), serving, TimeSpan.FromSeconds(60), "serve");

            // Routed as the starter config's comments promise: a hard prompt to the large model, reasoning on;
            // small talk to the small model with its key from the environment, reasoning off.
            var client = new ChatClient("MoM", new ApiKeyCredential("client-key"), new OpenAIClientOptions { Endpoint = new Uri(url + "/v1") });
            var hard = await client.CompleteChatAsync([new UserChatMessage("What is the integral of x^2?")]);
            Assert.Equal("large", Header(hard, "x-vsr-selected-model"));
            Assert.Equal("on", Header(hard, "x-vsr-selected-reasoning"));
            var sentHard = Assert.Single(large.Requests).Json;
            Assert.Equal("big-thinker-70b", (string?)sentHard["model"]);
            Assert.True(sentHard["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());

            var chat = await client.CompleteChatAsync([new UserChatMessage("hi, how are you today?")]);
            Assert.Equal("small", Header(chat, "x-vsr-selected-model"));
            Assert.Equal("off", Header(chat, "x-vsr-selected-reasoning"));
            var sentChat = Assert.Single(small.Requests);
            Assert.Equal("tiny-chat-1b", (string?)sentChat.Json["model"]);
            Assert.False(sentChat.Json["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
            Assert.Equal("Bearer sk-from-the-environment", sentChat.Headers["authorization"]);

            var status = await RunAsync("status", "--url", url);
            Assert.True(status.Exit == StatusCommand.Ready, status.Output + status.Error);
            Assert.Contains("ready:   yes", status.Output, StringComparison.Ordinal);
            Assert.Contains("sha256 " + Sha256(file), status.Output, StringComparison.Ordinal);
            Assert.Contains("models:  MoM (routed), auto (routed), small, large", status.Output, StringComparison.Ordinal);
            Assert.Contains("small: small-1 healthy", status.Output, StringComparison.Ordinal);
            Assert.Contains("large: large-1 healthy", status.Output, StringComparison.Ordinal);
            Assert.Contains("cache:   off", status.Output, StringComparison.Ordinal);
            Assert.Contains("halugate-audits 0 waiting, 0 poison; feedback 0 waiting, 0 poison", status.Output, StringComparison.Ordinal);

            var json = await RunAsync("status", "--url", url, "--json");
            Assert.Equal(StatusCommand.Ready, json.Exit);
            var report = JsonNode.Parse(json.Output)!;
            Assert.True(report["ready"]!.GetValue<bool>());
            Assert.Equal(Sha256(file), (string?)report["config"]!["hash"]);
            Assert.Equal("healthy", (string?)report["readiness"]!["checks"]!["upstream"]!["progress"]!["large"]!["large-1"]!["state"]);
            Assert.Equal(0, report["queues"]!["queues"]!["feedback"]!["depth"]!.GetValue<int>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
            await stop.CancelAsync();
        }

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_file_unless_forced()
    {
        var file = Path.Combine(_dir, "mine.yaml");
        await File.WriteAllTextAsync(file, "# my own config\n");

        var refused = await RunAsync("init", "--output", file);

        Assert.Equal(1, refused.Exit);
        Assert.Equal($"init: {file} already exists; pass --force to overwrite it.", refused.Error.TrimEnd());
        Assert.Equal("# my own config\n", await File.ReadAllTextAsync(file));

        var forced = await RunAsync("init", "--output", file, "--force");

        Assert.Equal(0, forced.Exit);
        Assert.Contains("default_model: small", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--small-url", "localhost:8001", "--small-url \"localhost:8001\" is not an absolute http(s) URL")]
    [InlineData("--large-url", "ftp://models.example.com/v1", "--large-url \"ftp://models.example.com/v1\" is not an absolute http(s) URL")]
    [InlineData("--small-url", "https://user:secret@llm.example.com/v1", "--small-url must not carry credentials")]
    [InlineData("--large-api-key-env", "sk-live-1234567890", "--large-api-key-env takes the name of an environment variable")]
    [InlineData("--small-model", " ", "--small-model must be a model id")]
    public async Task Init_rejects_a_bad_flag_in_one_line_and_writes_nothing(string flag, string value, string message)
    {
        var file = Path.Combine(_dir, "bad.yaml");

        var result = await RunAsync("init", "--output", file, flag, value);

        Assert.Equal(2, result.Exit);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("init: " + message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData("qwen3", false)]
    [InlineData("deepseek", true)]
    [InlineData("gpt-oss", false)]
    [InlineData("openai", true)]
    [InlineData("none", true)]
    public async Task Every_init_variant_passes_validate(string family, bool learned)
    {
        var file = Path.Combine(_dir, $"{family}-{learned}.yaml");
        string[] args = learned
            ? ["init", "--output", file, "--reasoning-family", family, "--learned-signals"]
            : ["init", "--output", file, "--reasoning-family", family];

        Assert.Equal(0, (await RunAsync(args)).Exit);
        var validate = await RunAsync("validate", "--config", file);

        Assert.True(validate.Exit == 0, validate.Output);
        Assert.Equal(learned, (await File.ReadAllTextAsync(file)).Contains("{type: jailbreak, name: jailbreak}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_of_a_router_whose_models_cannot_load_exits_1_and_names_them()
    {
        var file = Path.Combine(_dir, "learned.yaml");
        Assert.Equal(0, (await RunAsync("init", "--output", file, "--learned-signals")).Exit);
        var emptyModels = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;
        await using var router = await RunningRouter.StartAsync(
            new RouterHostOptions { ConfigPath = file },
            services => services.AddSingleton(new LearnedModelOptions { ModelsDirectory = emptyModels }));

        var status = await RunAsync("status", "--url", router.BaseAddress.ToString());

        Assert.True(status.Exit == StatusCommand.NotReady, status.Output + status.Error);
        Assert.Contains("ready:   NO (waiting for learned_signals", status.Output, StringComparison.Ordinal);
        Assert.Contains("learned models:", status.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^    \S+: (loading|failed)", status.Output);
        var line = Assert.Single(status.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"status: the router at {router.BaseAddress} is not ready: waiting for learned_signals", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_with_auth_on_reports_readiness_without_a_key_and_everything_with_the_admin_key()
    {
        await using var backend = await LoopbackBackend.StartAsync("a");
        var keyVariable = $"SR_STATUS_TEST_ADMIN_{Guid.NewGuid():N}";
        var yaml = TestConfigs.TwoModels(backend.BaseUrl, backend.BaseUrl, backend.BaseUrl, global: """
              services:
                auth:
                  admin_keys: [{id: ops, key_env: OPS_KEY}]
            """);
        await using var router = await RunningRouter.StartAsync(new RouterHostOptions
        {
            ConfigYaml = yaml,
            Environment = name => name == "OPS_KEY" ? "admin-key-for-status" : null,
        });

        var without = await RunAsync("status", "--url", router.BaseAddress.ToString(), "--api-key-env", keyVariable);

        Assert.True(without.Exit == StatusCommand.Ready, without.Output + without.Error);
        Assert.Contains("models:  (needs an API key", without.Output, StringComparison.Ordinal);
        Assert.Contains("queues:  (needs an API key", without.Output, StringComparison.Ordinal);

        Environment.SetEnvironmentVariable(keyVariable, "admin-key-for-status");
        try
        {
            var with = await RunAsync("status", "--url", router.BaseAddress.ToString(), "--api-key-env", keyVariable);

            Assert.True(with.Exit == StatusCommand.Ready, with.Output + with.Error);
            Assert.Contains("models:  MoM (routed)", with.Output, StringComparison.Ordinal);
            Assert.Contains("halugate-audits 0 waiting", with.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
        }
    }

    [Fact]
    public async Task Status_of_a_port_nobody_listens_on_exits_2_with_one_line_and_no_stack_trace()
    {
        var url = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";

        var status = await RunAsync("status", "--url", url, "--timeout", "5");

        Assert.Equal(StatusCommand.Unreachable, status.Exit);
        var line = Assert.Single(status.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"status: cannot reach a router at {url}/: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line.Replace("router at", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("", status.Output);
    }

    [Fact]
    public async Task Status_of_something_that_is_not_a_router_exits_2()
    {
        await using var backend = await LoopbackBackend.StartAsync("not-a-router");

        var status = await RunAsync("status", "--url", new Uri(backend.BaseUrl, "/").ToString());

        Assert.Equal(StatusCommand.Unreachable, status.Exit);
        Assert.Contains("is not a Semantic Router's", Assert.Single(status.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private static string? Header(ClientResult result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value : null;
}
