namespace SemanticRouter.Functions;

public static class Program
{
    public static int Main(string[] args) => 0;
}
