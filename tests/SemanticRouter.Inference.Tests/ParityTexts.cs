using System.Text;
using System.Text.Json;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

/// <summary>
/// Test strings for tokenizer parity: prompts read from ../shared/data at test time plus generated Unicode edge
/// cases (accents, CJK, emoji, RTL, combining marks, controls, very long words, empty and whitespace-only).
/// </summary>
internal static class ParityTexts
{
    public static IReadOnlyList<string> Build(int datasetPrompts = 1500, int generated = 700)
    {
        var texts = new List<string>();
        texts.AddRange(DatasetPrompts(datasetPrompts));
        texts.AddRange(HandWrittenEdgeCases());
        texts.AddRange(RandomUnicode(generated, seed: 20261121));
        return texts;
    }

    public static IEnumerable<string> DatasetPrompts(int count)
    {
        var root = RepoPaths.SharedData;
        var pools = new List<List<string>>
        {
            JsonLines(Path.Combine(root, "domain", "mmlu_pro_train.jsonl"), "question"),
            JsonStrings(Path.Combine(root, "jailbreak", "inthewild_train.json")),
            JsonObjects(Path.Combine(root, "pii", "presidio_synth_train.json")),
            JsonObjects(Path.Combine(root, "cache", "paraphrase_pairs_train.json")),
        };
        var per = count / pools.Count;
        foreach (var pool in pools)
        {
            Assert.True(pool.Count > 0, "dataset prompts missing under " + root);
            var step = Math.Max(1, pool.Count / per);
            for (var i = 0; i < pool.Count && i / step < per; i += step)
            {
                yield return pool[i];
            }
        }
    }

    public static IEnumerable<string> HandWrittenEdgeCases()
    {
        return
        [
            string.Empty, " ", "   ", "\t\n\r", "\u00A0\u3000\u2003", "\uFEFF", "\u200B", "a\u200Db", "\u0000x\u0007y\u007F",
            "café naïve Ångström Zoë résumé", "CAFÉ NAÏVE", "e\u0301\u0302\u0303 o\u0308", "\u0301\u0301 leading marks",
            "中文字符测试，还有标点。", "日本語のテキストとカタカナ", "한국어 텍스트 입니다", "𠀀𠀁 astral CJK 𪜀",
            "emoji 😀😃🎉 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️", "😀word😀", "مرحبا بالعالم، كيف حالك؟", "שָׁלוֹם עוֹלָם", "مُحَمَّد",
            "ΟΔΥΣΣΕΥΣ ΣΑΣ Σ σ ς", "İstanbul İİ", "ǅungla ǈ", "ﬁne ﬂow", "ＡＢＣ１２３", "Ⅻ ① ²", "ß ẞ ŉ",
            "[CLS] hello [SEP] [MASK] [UNK] [PAD]", "[cls] lowercase not special", "x[SEP]y", "[[CLS]]",
            new string('a', 99), new string('a', 100), new string('b', 101), new string('z', 300), "supercalifragilisticexpialidocious" + new string('x', 80),
            string.Concat(Enumerable.Repeat("ab", 60)), "hello\uD800world", "lone \uDC00 low", "\uD83D", "a\u00ADb soft hyphen",
            "अनुच्छेद हिन्दी", "ภาษาไทย", "Ελληνικά", "Русский текст", "¿Qué tal? ¡Hola!", "«quotes» „low“ ‘single’",
            "math: ∑ x² ≤ ∞ ∫ f(x) dx", "$100 €50 £20 ¥1000 ₹", "C++ && || != <= >= => ->", "e-mail: john.doe@example.com",
            "https://example.com/path?q=1&x=2#frag", "tab\tseparated\tvalues", "line1\nline2\r\nline3", "MiXeD CaSe WoRdS",
            "\u2028\u2029 separators", "\u0085 next line", "\uE000 private use \uF8FF", "\U000F0000 plane 15",
            "٠١٢٣٤٥ Arabic digits", "ｶﾀｶﾅ halfwidth", "\uFF01\uFF1F fullwidth punct", "ℌℑℜ", "Ⓐⓑ", "🏳️‍🌈 flag",
        ];
    }

    public static IEnumerable<string> RandomUnicode(int count, int seed)
    {
        // Blocks assigned long ago, so Unicode-version differences between .NET and Node do not matter.
        (int From, int To)[] blocks =
        [
            (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF),
            (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x2100, 0x22FF),
            (0x3000, 0x30FF), (0x4E00, 0x9FA5), (0xAC00, 0xD7A3), (0xF900, 0xFA2D), (0xFB00, 0xFB4F), (0xFE70, 0xFEFC), (0xFF00, 0xFFEF),
            (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF), (0x20000, 0x2A6D6),
        ];
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var sb = new StringBuilder();
            var length = random.Next(0, 60);
            for (var i = 0; i < length; i++)
            {
                if (random.Next(6) == 0)
                {
                    sb.Append(random.Next(3) == 0 ? "\t" : " ");
                    continue;
                }

                var (from, to) = blocks[random.Next(blocks.Length)];
                sb.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
            }

            yield return sb.ToString();
        }
    }

    private static List<string> JsonLines(string path, string field) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty(field).GetString() ?? string.Empty).ToList();

    private static List<string> JsonStrings(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
    }

    /// <summary>The first string-valued field of each object (text, origin, …).</summary>
    private static List<string> JsonObjects(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var list = new List<string>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    list.Add(p.Value.GetString()!);
                    break;
                }
            }
        }

        return list;
    }
}
