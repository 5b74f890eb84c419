using SemanticRouter.Functions.Cli;
using SemanticRouter.Functions.Worker;

namespace SemanticRouter.Functions;

public static class Program
{
    /// <summary>One executable, two ways to run: the Functions host's isolated worker when the host launched it, else the CLI (serve, validate, eval…).</summary>
    public static Task<int> Main(string[] args) =>
        FunctionsWorker.IsLaunchedByHost(args) ? FunctionsWorker.RunAsync(args) : CliRoot.Create().Parse(args).InvokeAsync();
}
