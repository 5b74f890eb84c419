using System.CommandLine;
using System.Text.RegularExpressions;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>init --output FILE</c>: writes a commented starter config — a small and a large backend model behind <c>MoM</c>,
/// keyword routing with reasoning on for hard prompts and off for the rest, a prompt-injection block and, with
/// <c>--learned-signals</c>, the shipped jailbreak and domain classifiers — that <c>validate</c> accepts and
/// <c>serve</c> runs as written. API keys appear only as the names of environment variables, never as values.
/// </summary>
internal static partial class InitCommand
{
    private static readonly string[] ReasoningFamilies = [.. ReasoningSettings.BuiltInFamilies.Keys.Order(StringComparer.Ordinal), "none"];

    public static Command Create()
    {
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the config (e.g. router.yaml).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists." };
        var smallUrl = new Option<string>("--small-url") { Description = "OpenAI-compatible base URL of the small model's backend.", DefaultValueFactory = _ => "http://127.0.0.1:8001/v1" };
        var smallModel = new Option<string>("--small-model") { Description = "Model id the small backend serves.", DefaultValueFactory = _ => "Qwen/Qwen3-8B" };
        var smallKey = new Option<string?>("--small-api-key-env") { Description = "Name of the environment variable holding the small backend's API key (none: no key sent)." };
        var largeUrl = new Option<string>("--large-url") { Description = "OpenAI-compatible base URL of the large model's backend.", DefaultValueFactory = _ => "http://127.0.0.1:8002/v1" };
        var largeModel = new Option<string>("--large-model") { Description = "Model id the large backend serves.", DefaultValueFactory = _ => "Qwen/Qwen3-32B" };
        var largeKey = new Option<string?>("--large-api-key-env") { Description = "Name of the environment variable holding the large backend's API key (none: no key sent)." };
        var family = new Option<string>("--reasoning-family") { Description = $"How both models switch reasoning on and off: {string.Join(" | ", ReasoningFamilies)}.", DefaultValueFactory = _ => "qwen3" };
        family.AcceptOnlyFromAmong(ReasoningFamilies);
        var learned = new Option<bool>("--learned-signals") { Description = "Also route and block with the shipped ONNX classifiers (jailbreak, math domain); see docs/signals.md." };
        var command = new Command("init", "Write a commented starter config that validate accepts and serve runs.")
        {
            output, force, smallUrl, smallModel, smallKey, largeUrl, largeModel, largeKey, family, learned,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var file = parseResult.GetValue(output)!;
            var small = new StarterModel("small", parseResult.GetValue(smallUrl)!, parseResult.GetValue(smallModel)!, parseResult.GetValue(smallKey));
            var large = new StarterModel("large", parseResult.GetValue(largeUrl)!, parseResult.GetValue(largeModel)!, parseResult.GetValue(largeKey));
            if ((Problem(small) ?? Problem(large)) is { } problem)
            {
                await error.WriteLineAsync("init: " + problem);
                return 2;
            }

            if (file.Exists && !parseResult.GetValue(force))
            {
                await error.WriteLineAsync($"init: {file.FullName} already exists; pass --force to overwrite it.");
                return 1;
            }

            var selectedFamily = parseResult.GetValue(family)!;
            var yaml = StarterConfig.Write(small, large, selectedFamily == "none" ? null : selectedFamily, parseResult.GetValue(learned), file.Name);

            // The template is code: check what it produced with the same loader validate and serve use, before writing.
            var (loaded, errors) = new RouterConfigLoader(HostExtensions.Create(new ServiceCollection().BuildServiceProvider()), _ => null).TryLoad(yaml);
            if (loaded is null)
            {
                await error.WriteLineAsync($"init: the generated config is invalid ({string.Join("; ", errors)}); please report this.");
                return 1;
            }

            try
            {
                Directory.CreateDirectory(file.DirectoryName!);
                await File.WriteAllTextAsync(file.FullName, yaml, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"init: cannot write {file.FullName}: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }

            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteLineAsync($"wrote {file.FullName} ({loaded.Providers.Models.Count} models, {loaded.Routing.Decisions.Count} decisions)");
            await stdout.WriteLineAsync($"next: validate --config {file.Name}, then serve --config {file.Name} (edit the file while serving: it is hot-reloaded)");
            return 0;
        });
        return command;
    }

    /// <summary>The first thing wrong with a model's flags, as one line naming the flag; null when they are usable.</summary>
    private static string? Problem(StarterModel model)
    {
        if (!Uri.TryCreate(model.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            return $"--{model.Name}-url \"{model.Url}\" is not an absolute http(s) URL (e.g. http://127.0.0.1:8001/v1).";
        }

        if (url.UserInfo.Length > 0)
        {
            return $"--{model.Name}-url must not carry credentials; put the key in an environment variable and name it with --{model.Name}-api-key-env.";
        }

        if (string.IsNullOrWhiteSpace(model.ModelId) || model.ModelId.Length > 256 || model.ModelId.Any(char.IsControl))
        {
            return $"--{model.Name}-model must be a model id of 1 to 256 printable characters (e.g. Qwen/Qwen3-8B).";
        }

        if (model.KeyEnv is { } key && !EnvironmentVariableName().IsMatch(key))
        {
            return $"--{model.Name}-api-key-env takes the name of an environment variable (letters, digits, _; e.g. {model.Name.ToUpperInvariant()}_API_KEY), not the key itself.";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex EnvironmentVariableName();
}
