namespace SemanticRouter.Functions.Cli;

/// <summary>The <c>--text T | --input FILE</c> pair shared by the model-debugging verbs.</summary>
internal static class CliInputs
{
    /// <summary>Returns the input lines, or null after printing why the options are unusable.</summary>
    public static IReadOnlyList<string>? ReadLines(string? text, FileInfo? input, TextWriter error)
    {
        if ((text is null) == (input is null))
        {
            error.WriteLine("Give exactly one of --text or --input.");
            return null;
        }

        if (text is not null)
        {
            return [text];
        }

        if (!input!.Exists)
        {
            error.WriteLine($"{input.FullName}: file not found");
            return null;
        }

        return File.ReadAllLines(input.FullName);
    }
}
