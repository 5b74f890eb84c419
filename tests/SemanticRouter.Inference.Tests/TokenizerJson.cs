using System.Text.Json;

namespace SemanticRouter.Inference.Tests;

/// <summary>Reads a WordPiece tokenizer.json's vocabulary, for tests that need it as vocab.txt lines.</summary>
internal static class TokenizerJson
{
    public static string[] VocabInIdOrder(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")));
        var vocab = doc.RootElement.GetProperty("model").GetProperty("vocab");
        var tokens = new string[vocab.EnumerateObject().Count()];
        foreach (var entry in vocab.EnumerateObject())
        {
            tokens[entry.Value.GetInt32()] = entry.Name;
        }

        Assert.True(Array.TrueForAll(tokens, t => t is not null), "vocabulary ids are not contiguous");
        return tokens;
    }
}
