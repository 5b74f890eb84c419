using SemanticRouter.Inference.Tokenization;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

public sealed class TokenizerTests
{
    // The shipped sentence embedder's tokenizer: the bert-base-uncased WordPiece vocabulary of all-MiniLM-L6-v2.
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "models", "sentence-embedder");
    private static readonly ITokenizer MiniLm = TokenizerLoader.Load(Folder);

    [Fact]
    public void Offsets_point_at_the_original_characters_of_each_token()
    {
        var vocab = TokenizerJson.VocabInIdOrder(Folder);
        var checkedTokens = 0;
        foreach (var text in ParityTexts.FixturePrompts())
        {
            var encoded = MiniLm.Encode(text, int.MaxValue, OverflowBehavior.Throw);
            var previousEnd = 0;
            for (var i = 0; i < encoded.Count; i++)
            {
                if (encoded.IsSpecial[i])
                {
                    continue;
                }

                var (start, end) = encoded.Offsets[i];
                Assert.InRange(start, previousEnd, text.Length);
                Assert.InRange(end, start + 1, text.Length);
                previousEnd = start;
                var piece = vocab[encoded.Ids[i]];
                var original = text[start..end];
                if (piece != "[UNK]" && original.All(char.IsAscii))
                {
                    Assert.Equal(piece.StartsWith("##", StringComparison.Ordinal) ? piece[2..] : piece, original.ToLowerInvariant());
                    checkedTokens++;
                }
            }
        }

        Assert.True(checkedTokens > 10_000, $"only {checkedTokens} tokens checked");
    }

    [Fact]
    public void Offsets_survive_normalisation_that_changes_length()
    {
        const string text = "Café İstanbul 中文 e\u0301t\u200Bé";
        var encoded = MiniLm.Encode(text, int.MaxValue, OverflowBehavior.Throw);
        var slices = Enumerable.Range(0, encoded.Count).Where(i => !encoded.IsSpecial[i]).Select(i => text[encoded.Offsets[i].Start..encoded.Offsets[i].End]).ToList();

        Assert.Contains("Café", slices);
        Assert.Contains("中", slices);
        Assert.Contains("文", slices);

        // The last word loses its combining mark and zero-width space in normalisation; its tokens still span it all.
        var lastWord = text.IndexOf("e\u0301", StringComparison.Ordinal);
        var lastTokens = Enumerable.Range(0, encoded.Count).Where(i => !encoded.IsSpecial[i] && encoded.Offsets[i].Start >= lastWord).ToList();
        Assert.Equal(lastWord, encoded.Offsets[lastTokens[0]].Start);
        Assert.Equal(text.Length, encoded.Offsets[lastTokens[^1]].End);
    }

    [Fact]
    public void Long_text_is_truncated_to_max_length_or_rejected_when_asked()
    {
        var text = string.Join(' ', Enumerable.Repeat("router", 1000));

        var truncated = MiniLm.Encode(text);
        Assert.Equal(MiniLm.MaxLength, truncated.Count);
        Assert.True(truncated.Truncated);
        Assert.Equal(101, truncated.Ids[0]);
        Assert.Equal(102, truncated.Ids[^1]);
        Assert.All(truncated.TypeIds, t => Assert.Equal(0, t));

        var error = Assert.Throws<InputTooLongException>(() => MiniLm.Encode(text, 128, OverflowBehavior.Throw));
        Assert.Contains("128", error.Message, StringComparison.Ordinal);
        Assert.False(MiniLm.Encode("short text", 128, OverflowBehavior.Throw).Truncated);
    }

    [Fact]
    public void Missing_or_corrupt_tokenizer_files_give_clear_errors()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sr-missing-" + Guid.NewGuid().ToString("N"));
        Assert.Throws<DirectoryNotFoundException>(() => TokenizerLoader.Load(missing));

        var folder = Directory.CreateDirectory(missing).FullName;
        try
        {
            Assert.Contains("No tokenizer.json or vocab.txt", Assert.Throws<FileNotFoundException>(() => TokenizerLoader.Load(folder)).Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{ not json");
            Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => TokenizerLoader.Load(folder)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
