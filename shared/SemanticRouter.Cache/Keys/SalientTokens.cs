using System.Text;

namespace SemanticRouter.Cache.Keys;

/// <summary>
/// The entity guard: the ordered list of tokens that usually carry a question's specifics —
/// numbers (digits and number words) and anything with a digit, identifiers (<c>snake_case</c>,
/// <c>camelCase</c>, <c>`code`</c>), capitalised words that do not start a sentence (names,
/// products), and negations ("not", "never", "isn't" …, all one token).
/// Similarity alone scores "Is Paris bigger than London?" and "Is London bigger than Paris?" (or
/// "... in 2023" vs "... in 2024") as near-identical; two questions are only comparable
/// semantically when these sequences are equal, which is folded into the cache partition.
/// </summary>
internal static class SalientTokens
{
    /// <summary>Caps the work and the key size for very long prompts.</summary>
    private const int MaxTokens = 64;

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal) { "not", "no", "never", "nor", "cannot", "without" };

    /// <summary>A lower-cased word that negates ("not", "isn't", "cannot", "without" …): one guard token, never a content word.</summary>
    public static bool IsNegation(string lower) => lower.EndsWith("n't", StringComparison.Ordinal) || Negations.Contains(lower);

    /// <summary>"I" is capitalised everywhere; "how do I" and "how do i" must not differ.</summary>
    private static readonly HashSet<string> Pronouns = new(StringComparer.Ordinal) { "i", "i'm", "i'd", "i've", "i'll" };

    private static readonly HashSet<string> NumberWords = new(StringComparer.Ordinal)
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
        "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion",
        "trillion", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "half", "quarter", "twice", "double", "triple", "dozen",
    };

    /// <summary>The normalised sequence joined with U+001F; empty when the text has no salient tokens.</summary>
    public static string Signature(string text)
    {
        var sb = new StringBuilder();
        var count = 0;
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length && count < MaxTokens)
        {
            var c = text[i];
            if (c == '`')
            {
                var end = text.IndexOf('`', i + 1);
                if (end > i + 1)
                {
                    Append(sb, text.AsSpan(i + 1, end - i - 1), ref count);
                    sentenceStart = false;
                    i = end + 1;
                    continue;
                }
            }

            if (IsWordChar(c))
            {
                var start = i;
                while (i < text.Length && (IsWordChar(text[i]) || (IsJoiner(text[i]) && i + 1 < text.Length && IsWordChar(text[i + 1]))))
                {
                    i++;
                }

                var word = text.AsSpan(start, i - start);
                var lower = word.ToString().ToLowerInvariant();
                if (IsNegation(lower))
                {
                    // "isn't", "is not" and "cannot" are the same guard token; its presence and position count.
                    Append(sb, "not", ref count);
                }
                else if (NumberWords.Contains(lower) || (!Pronouns.Contains(lower) && IsSalient(word, sentenceStart)))
                {
                    Append(sb, word, ref count);
                }

                sentenceStart = false;
                continue;
            }

            if (c is '.' or '!' or '?' or ':' or '\n' or ';')
            {
                sentenceStart = true;
            }

            i++;
        }

        return sb.ToString();
    }

    private static bool IsSalient(ReadOnlySpan<char> word, bool sentenceStart)
    {
        for (var k = 0; k < word.Length; k++)
        {
            var ch = word[k];
            if (char.IsDigit(ch) || ch == '_' || (k > 0 && char.IsUpper(ch)))
            {
                return true;
            }
        }

        return !sentenceStart && char.IsUpper(word[0]);
    }

    private static void Append(StringBuilder sb, ReadOnlySpan<char> token, ref int count)
    {
        if (sb.Length > 0)
        {
            sb.Append('\u001f');
        }

        foreach (var ch in token)
        {
            sb.Append(char.ToLowerInvariant(ch));
        }

        count++;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool IsJoiner(char c) => c is '.' or '-' or '/' or '\'';
}
