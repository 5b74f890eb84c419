using SemanticRouter.Functions.Cli;

namespace SemanticRouter.Functions;

public static class Program
{
    public static Task<int> Main(string[] args) => CliRoot.Create().Parse(args).InvokeAsync();
}
