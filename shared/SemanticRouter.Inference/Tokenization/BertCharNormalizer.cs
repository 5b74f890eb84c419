using System.Collections.Concurrent;
using System.Text;

namespace SemanticRouter.Inference.Tokenization;

/// <summary>
/// Lowercasing and accent stripping (NFD, then drop non-spacing marks) of one code point, cached, so the
/// tokenizer can normalise in a single pass while keeping each output character's source offset.
/// Matches the reference's whole-string <c>toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "")</c>
/// except for canonical reordering of marks, which are dropped anyway.
/// </summary>
internal sealed class BertCharNormalizer
{
    private readonly bool lowercase;
    private readonly bool stripAccents;
    private readonly string?[] bmpCache = new string?[0x10000];
    private readonly ConcurrentDictionary<int, string> astralCache = new();

    public BertCharNormalizer(bool lowercase, bool stripAccents)
    {
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
    }

    public bool Lowercase => lowercase;

    /// <summary>The normalised form of <paramref name="cp"/> (possibly empty, possibly several characters).</summary>
    public string Normalize(int cp)
    {
        if (cp < 0x10000)
        {
            // Benign race: two threads may compute the same immutable string.
            return bmpCache[cp] ??= Compute(cp);
        }

        return astralCache.GetOrAdd(cp, Compute);
    }

    private string Compute(int cp)
    {
        var s = cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp);
        if (lowercase)
        {
            // JavaScript's toLowerCase maps U+0130 to "i" + combining dot; .NET's invariant mapping keeps it.
            s = cp == 0x130 ? "i\u0307" : s.ToLowerInvariant();
        }

        if (!stripAccents)
        {
            return s;
        }

        var decomposed = new List<int>(4);
        for (var i = 0; i < s.Length; i++)
        {
            var c = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? char.ConvertToUtf32(s[i], s[++i]) : s[i];
            UnicodeData.Decompose(c, decomposed);
        }

        var builder = new StringBuilder(decomposed.Count);
        foreach (var c in decomposed)
        {
            if (!UnicodeData.IsNonSpacingMark(c))
            {
                builder.Append(c < 0x10000 ? ((char)c).ToString() : char.ConvertFromUtf32(c));
            }
        }

        return builder.ToString();
    }
}
