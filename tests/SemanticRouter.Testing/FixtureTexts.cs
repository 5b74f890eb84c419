namespace SemanticRouter.Testing;

/// <summary>
/// Small text fixtures committed under <c>tests/fixtures/</c> (see its README), so tests run on a clone of the
/// repository alone. The large datasets beside the checkout are for training and benchmarks only.
/// </summary>
public static class FixtureTexts
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "fixtures");

    /// <summary>The lines of <c>prompts.txt</c>: varied everyday, domain, PII-shaped, jailbreak-shaped and non-English prompts.</summary>
    public static IReadOnlyList<string> Prompts() =>
        File.ReadAllLines(Path.Combine(Folder, "prompts.txt")).Where(l => l.Length > 0).ToArray();
}
