using System.CommandLine;

namespace SemanticRouter.Functions.Cli;

/// <summary>The command-line entry point: one verb per file in this folder, registered here.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Semantic Router: an OpenAI-compatible intelligent router for a Mixture of Models.");
        foreach (var verb in Verbs())
        {
            root.Subcommands.Add(verb);
        }

        return root;
    }

    private static IEnumerable<Command> Verbs()
    {
        yield return InitCommand.Create();
        yield return ServeCommand.Create();
        yield return ValidateCommand.Create();
        yield return StatusCommand.Create();
        yield return EvalCommand.Create();
        yield return FitScoresCommand.Create();
        yield return VersionCommand.Create();
        yield return AuditCommand.Create();
        yield return ModelsCommand.Create();
        yield return TokenizeCommand.Create();
        yield return InferCommand.Create();
    }
}
