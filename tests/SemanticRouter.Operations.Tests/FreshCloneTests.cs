using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>The README's test command must pass on a clone of the repository alone, without the datasets beside it.</summary>
public sealed class FreshCloneTests
{
    [Fact]
    public void Test_projects_read_no_data_from_outside_the_repository()
    {
        // Benchmarks and evaluations may read ../shared/data (RepoPaths.SharedData); the test projects and their
        // support libraries use committed fixtures (tests/fixtures, models/fixtures) instead.
        var offenders = Directory.EnumerateDirectories(Path.Combine(RepoPaths.Root, "tests"), "SemanticRouter.*")
            .Where(d => !d.EndsWith(".Benchmarks", StringComparison.Ordinal))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.EndsWith("RepoPaths.cs", StringComparison.Ordinal) && !f.EndsWith(nameof(FreshCloneTests) + ".cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var code && (code.Contains("SharedData", StringComparison.Ordinal) || code.Contains("\"..\", \"shared\"", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Committed_fixtures_are_small_and_say_where_they_come_from()
    {
        var folder = FixtureTexts.Folder;
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => !f.EndsWith("README.md", StringComparison.Ordinal)))
        {
            Assert.Contains(Path.GetFileName(file), readme, StringComparison.Ordinal);
            Assert.True(File.ReadAllLines(file).Length <= 400, $"{Path.GetFileName(file)}: fixtures stay a few hundred lines");
        }
    }
}
