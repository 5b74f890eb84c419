using System.Text;
using System.Text.Json;
using SemanticRouter.Inference.Tokenization;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

/// <summary>Token ids must equal @huggingface/transformers' on the same strings, computed by Node in the same run.</summary>
public sealed class TokenizerParityTests
{
    /// <summary>Each distinct tokenizer the shipped models use (folders under models/ that share one are tried once), plus the fixture's.</summary>
    public static TheoryData<string> TokenizerFolders()
    {
        var data = new TheoryData<string>();
        foreach (var folder in ShippedTokenizerFolders())
        {
            data.Add(folder);
        }

        data.Add(FixtureModels.Folder(FixtureModels.Classifier));
        return data;
    }

    /// <summary>Model folders under models/ with a tokenizer.json, one per distinct file content.</summary>
    internal static IReadOnlyList<string> ShippedTokenizerFolders()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folders = new List<string>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(RepoPaths.Root, "models")).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, "tokenizer.json");
            if (File.Exists(file) && seen.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))))
            {
                folders.Add(folder);
            }
        }

        Assert.NotEmpty(folders);
        return folders;
    }

    [Theory]
    [MemberData(nameof(TokenizerFolders))]
    public async Task Token_ids_match_transformers_js_on_2000_plus_varied_strings(string folder)
    {
        var texts = ParityTexts.Build();
        Assert.True(texts.Count >= 2000, $"only {texts.Count} strings");
        var tokenizer = TokenizerLoader.Load(folder);

        var reference = await ReferenceIdsAsync(folder, texts);

        var mismatches = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var ours = tokenizer.Encode(texts[i], int.MaxValue, OverflowBehavior.Throw).Ids;
            if (!ours.SequenceEqual(reference[i]))
            {
                mismatches.Add($"#{i} {Escape(texts[i])}\n  ours: [{string.Join(',', ours)}]\n  ref:  [{string.Join(',', reference[i])}]");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {texts.Count} differ:\n" + string.Join('\n', mismatches.Take(10)));
    }

    [Fact]
    public void Vocab_txt_fallback_tokenizes_like_tokenizer_json()
    {
        // vocab.txt is the WordPiece vocabulary in id order, one token a line: written here from the shipped embedder's tokenizer.json.
        var source = Path.Combine(RepoPaths.Root, "models", "sentence-embedder");
        var folder = Path.Combine(Path.GetTempPath(), "sr-vocab-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), TokenizerJson.VocabInIdOrder(source));
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
        try
        {
            var fromJson = TokenizerLoader.Load(source);
            var fromVocab = TokenizerLoader.Load(folder);
            foreach (var text in ParityTexts.Build(400, 200))
            {
                Assert.Equal(fromJson.Encode(text, int.MaxValue, OverflowBehavior.Throw).Ids, fromVocab.Encode(text, int.MaxValue, OverflowBehavior.Throw).Ids);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static async Task<int[][]> ReferenceIdsAsync(string folder, IReadOnlyList<string> texts)
    {
        var json = await NodeProcess.RunAsync(Path.Combine("tests", "node", "tokenize-reference.mjs"), [folder], JsonSerializer.Serialize(texts));
        var ids = JsonSerializer.Deserialize<int[][]>(json)!;
        Assert.Equal(texts.Count, ids.Length);
        return ids;
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length > 120 ? s[..120] + "…" : s)
        {
            sb.Append(c < 0x20 || c is >= '\u007F' and <= '\u00A0' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return sb.ToString();
    }
}
