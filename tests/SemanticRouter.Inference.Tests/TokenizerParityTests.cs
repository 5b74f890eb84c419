using System.Text;
using System.Text.Json;
using SemanticRouter.Inference.Tokenization;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

/// <summary>Token ids must equal @huggingface/transformers' on the same strings, computed by Node in the same run.</summary>
public sealed class TokenizerParityTests
{
    public static TheoryData<string> TokenizerFolders => new()
    {
        Path.Combine(RepoPaths.SharedData, "tokenizers", "all-MiniLM-L6-v2"),
        Path.Combine(RepoPaths.SharedData, "tokenizers", "bert-base-NER-uncased"),
        FixtureModels.Folder(FixtureModels.Classifier),
    };

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
        var source = Path.Combine(RepoPaths.SharedData, "tokenizers", "all-MiniLM-L6-v2");
        var folder = Path.Combine(Path.GetTempPath(), "sr-vocab-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(source, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
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
