using System.CommandLine;
using System.Reflection;

namespace SemanticRouter.Functions.Cli;

/// <summary>`version`: prints the build version (also a template for verbs: one static Create per file).</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the router version.");
        command.SetAction(parseResult =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return 0;
        });
        return command;
    }
}
