using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

/// <summary>Every Azurite command in the docs is the same one, with the flags the tests run Azurite with.</summary>
public sealed class AzuriteDocsTests
{
    [Fact]
    public void Every_documented_azurite_command_has_the_flags_the_tests_use()
    {
        var commands = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md")
            .Append(Path.Combine(RepoPaths.Root, "README.md"))
            .SelectMany(file => File.ReadAllLines(file).Where(l => l.TrimStart().StartsWith("npx azurite", StringComparison.Ordinal)).Select(l => (File: Path.GetFileName(file), Words: Words(l))))
            .ToList();

        Assert.Contains(commands, c => c.File == "storage.md");
        Assert.Contains(commands, c => c.File == "deploy.md");
        foreach (var (file, words) in commands)
        {
            Assert.True(words.SequenceEqual(commands[0].Words), $"{file}: `{string.Join(' ', words)}` differs from {commands[0].File}: `{string.Join(' ', commands[0].Words)}`");
            foreach (var flag in AzuriteServer.Flags)
            {
                Assert.Contains(flag, words);
            }
        }

        // Its data folder stays out of git.
        var location = commands[0].Words[commands[0].Words.IndexOf("--location") + 1];
        Assert.Contains("/" + location + "/", File.ReadAllLines(Path.Combine(RepoPaths.Root, ".gitignore")));
    }

    /// <summary>The command's words, without a trailing comment or the shell's background <c>&amp;</c>.</summary>
    private static List<string> Words(string line)
    {
        var comment = line.IndexOf(" #", StringComparison.Ordinal);
        return (comment < 0 ? line : line[..comment]).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w != "&").ToList();
    }
}
