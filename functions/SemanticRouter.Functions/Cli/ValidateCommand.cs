using System.CommandLine;
using SemanticRouter.Core.Config;
using SemanticRouter.Functions.Hosting;

namespace SemanticRouter.Functions.Cli;

/// <summary><c>validate --config FILE</c>: loads a config and prints every problem with its YAML path; exit 1 if any.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Router config YAML to check.", Required = true };
        var command = new Command("validate", "Validate a router config file.") { config };
        command.SetAction(parseResult =>
        {
            var file = parseResult.GetValue(config)!;
            var output = parseResult.InvocationConfiguration.Output;
            if (!file.Exists)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"{file.FullName}: file not found");
                return 2;
            }

            var (loaded, errors) = new RouterConfigLoader(HostExtensions.Create(new ServiceCollection().BuildServiceProvider())).TryLoad(File.ReadAllText(file.FullName));
            if (loaded is null)
            {
                output.WriteLine($"{file.Name}: {errors.Count} problem(s)");
                foreach (var e in errors)
                {
                    output.WriteLine("  " + e);
                }

                return 1;
            }

            output.WriteLine($"{file.Name}: OK ({loaded.Providers.Models.Count} models, {loaded.Routing.Decisions.Count} decisions)");
            return 0;
        });
        return command;
    }
}
