using System.Buffers;

namespace SemanticRouter.Inference.Tokenization;

/// <summary>
/// BERT tokenization (BertNormalizer → BertPreTokenizer → WordPiece → template) in one pass over the text,
/// keeping the source offset of every normalised character. Token ids match @huggingface/transformers.
/// </summary>
internal sealed class WordPieceTokenizer : ITokenizer
{
    /// <summary>Texts are bounded before any work: 4 Mi characters is far above any prompt a router accepts.</summary>
    public const int MaxInputCharacters = 4 * 1024 * 1024;

    private readonly BertNormalizerOptions normalizer;
    private readonly BertCharNormalizer chars;
    private readonly WordPieceVocabulary vocabulary;
    private readonly PostProcessorTemplate template;
    private readonly AddedToken[] addedTokens;
    private readonly SearchValues<char> addedTokenStarts;
    private readonly int maxInputCharsPerWord;

    public WordPieceTokenizer(BertNormalizerOptions normalizer, WordPieceVocabulary vocabulary, PostProcessorTemplate template, IReadOnlyList<AddedToken> addedTokens, int maxInputCharsPerWord, int maxLength, int padTokenId)
    {
        this.normalizer = normalizer;
        chars = new BertCharNormalizer(normalizer.Lowercase, normalizer.StripAccents);
        this.vocabulary = vocabulary;
        this.template = template;
        // Longest first, so the first match at a position is the longest one (as the reference's trie).
        this.addedTokens = addedTokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ToArray();
        addedTokenStarts = SearchValues.Create(this.addedTokens.Select(t => t.Content[0]).Distinct().ToArray());
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        MaxLength = maxLength;
        PadTokenId = padTokenId;
    }

    public int MaxLength { get; }

    public int PadTokenId { get; }

    public int VocabularySize => vocabulary.Count;

    public TokenizedText Encode(string text) => Encode(text, MaxLength, OverflowBehavior.Truncate);

    public TokenizedText Encode(string text, int maxLength, OverflowBehavior overflow)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxInputCharacters)
        {
            throw new ArgumentException($"Text of {text.Length} characters exceeds the tokenizer's bound of {MaxInputCharacters}.", nameof(text));
        }

        var budget = maxLength == int.MaxValue ? int.MaxValue : Math.Max(0, maxLength - template.SpecialCount);
        var buffer = TokenBuffer.Rent();
        try
        {
            var complete = Tokenize(text, buffer, budget);
            if (!complete && overflow == OverflowBehavior.Throw)
            {
                throw new InputTooLongException(maxLength);
            }

            var n = Math.Min(buffer.Count, budget);
            return Build(buffer, n, truncated: !complete);
        }
        finally
        {
            TokenBuffer.Return(buffer);
        }
    }

    private TokenizedText Build(TokenBuffer buffer, int n, bool truncated)
    {
        var total = n + template.SpecialCount;
        var ids = new int[total];
        var types = new int[total];
        var offsets = new TokenOffset[total];
        var special = new bool[total];
        var k = 0;
        for (var i = 0; i < template.PrefixIds.Length; i++, k++)
        {
            ids[k] = template.PrefixIds[i];
            types[k] = template.PrefixTypeIds[i];
            special[k] = true;
        }

        for (var i = 0; i < n; i++, k++)
        {
            ids[k] = buffer.Ids[i];
            types[k] = template.SequenceTypeId;
            offsets[k] = new TokenOffset(buffer.Starts[i], buffer.Ends[i]);
            special[k] = buffer.Special[i];
        }

        for (var i = 0; i < template.SuffixIds.Length; i++, k++)
        {
            ids[k] = template.SuffixIds[i];
            types[k] = template.SuffixTypeIds[i];
            special[k] = true;
        }

        return new TokenizedText(ids, types, offsets, special, truncated);
    }

    /// <summary>Fills the buffer; returns false when it stopped early because more than <paramref name="budget"/> tokens exist.</summary>
    private bool Tokenize(string text, TokenBuffer buffer, int budget)
    {
        var position = 0;
        while (position < text.Length)
        {
            var (matchAt, token) = FindAddedToken(text, position);
            var segmentEnd = matchAt < 0 ? text.Length : matchAt;
            if (!TokenizeSegment(text, position, segmentEnd, buffer, budget))
            {
                return false;
            }

            if (token is null)
            {
                break;
            }

            buffer.Add(token.Id, matchAt, matchAt + token.Content.Length, token.Special);
            if (buffer.Count > budget)
            {
                return false;
            }

            position = matchAt + token.Content.Length;
        }

        return true;
    }

    private (int Index, AddedToken? Token) FindAddedToken(string text, int from)
    {
        if (addedTokens.Length == 0)
        {
            return (-1, null);
        }

        var span = text.AsSpan();
        var i = from;
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAny(addedTokenStarts);
            if (next < 0)
            {
                return (-1, null);
            }

            i += next;
            foreach (var token in addedTokens)
            {
                if (span[i..].StartsWith(token.Content, StringComparison.Ordinal))
                {
                    return (i, token);
                }
            }

            i++;
        }

        return (-1, null);
    }

    /// <summary>Normalises and splits text[start..end) into words and WordPiece tokens; false when over budget.</summary>
    private bool TokenizeSegment(string text, int start, int end, TokenBuffer buffer, int budget)
    {
        var lowercase = normalizer.Lowercase;
        var clean = normalizer.CleanText;
        buffer.WordLength = 0;
        var i = start;
        while (i < end)
        {
            int cp = text[i];
            var width = 1;
            if (cp < 0x80)
            {
                // ASCII fast path: no decomposition or marks possible.
                if (cp is ' ' or '\t' or '\n' or '\r')
                {
                    if (!FlushWord(buffer, budget))
                    {
                        return false;
                    }
                }
                else if (cp < 0x20 || cp == 0x7F)
                {
                    // Controls vanish with clean_text; without it \v and \f still split words as whitespace.
                    if (!clean)
                    {
                        if (cp is '\v' or '\f')
                        {
                            if (!FlushWord(buffer, budget))
                            {
                                return false;
                            }
                        }
                        else
                        {
                            buffer.AddWordChar((char)cp, i, i + 1);
                        }
                    }
                }
                else if (UnicodeData.IsPunctuation(cp))
                {
                    if (!FlushWord(buffer, budget))
                    {
                        return false;
                    }

                    buffer.AddWordChar((char)cp, i, i + 1);
                    if (!FlushWord(buffer, budget))
                    {
                        return false;
                    }
                }
                else
                {
                    var c = lowercase && cp is >= 'A' and <= 'Z' ? (char)(cp + 32) : (char)cp;
                    buffer.AddWordChar(c, i, i + 1);
                }

                i++;
                continue;
            }

            if (char.IsHighSurrogate((char)cp) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32((char)cp, text[i + 1]);
                width = 2;
            }

            if (clean && (cp == 0 || cp == 0xFFFD || UnicodeData.IsControl(cp)))
            {
                i += width;
                continue;
            }

            if (UnicodeData.IsJsWhitespace(cp))
            {
                if (!FlushWord(buffer, budget))
                {
                    return false;
                }

                i += width;
                continue;
            }

            var isChinese = normalizer.HandleChineseChars && width == 1 && UnicodeData.IsChineseBmp(cp);
            if (isChinese && !FlushWord(buffer, budget))
            {
                return false;
            }

            var normalized = lowercase && cp == 0x3A3 ? FinalSigma(text, i, start, end) : chars.Normalize(cp);
            for (var j = 0; j < normalized.Length; j++)
            {
                int n = normalized[j];
                var nWidth = 1;
                if (char.IsHighSurrogate((char)n) && j + 1 < normalized.Length)
                {
                    n = char.ConvertToUtf32((char)n, normalized[j + 1]);
                    nWidth = 2;
                }

                if (UnicodeData.IsPunctuation(n))
                {
                    if (!FlushWord(buffer, budget))
                    {
                        return false;
                    }

                    AppendChars(buffer, normalized.AsSpan(j, nWidth), i, i + width);
                    if (!FlushWord(buffer, budget))
                    {
                        return false;
                    }
                }
                else
                {
                    AppendChars(buffer, normalized.AsSpan(j, nWidth), i, i + width);
                }

                j += nWidth - 1;
            }

            if (isChinese && !FlushWord(buffer, budget))
            {
                return false;
            }

            i += width;
        }

        return FlushWord(buffer, budget);
    }

    private static void AppendChars(TokenBuffer buffer, ReadOnlySpan<char> value, int start, int end)
    {
        foreach (var c in value)
        {
            buffer.AddWordChar(c, start, end);
        }
    }

    /// <summary>Greek capital sigma lowercases to final sigma at the end of a word (JavaScript's toLowerCase rule).</summary>
    private string FinalSigma(string text, int index, int start, int end)
    {
        var before = false;
        for (var k = index - 1; k >= start; k--)
        {
            var c = text[k];
            if (IsCaseIgnorable(c))
            {
                continue;
            }

            before = char.IsLetter(c) && (char.IsUpper(c) || char.IsLower(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.TitlecaseLetter);
            break;
        }

        var after = false;
        for (var k = index + 1; k < end; k++)
        {
            var c = text[k];
            if (IsCaseIgnorable(c))
            {
                continue;
            }

            after = char.IsLetter(c) && (char.IsUpper(c) || char.IsLower(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.TitlecaseLetter);
            break;
        }

        var sigma = before && !after ? "\u03C2" : "\u03C3";
        return normalizer.StripAccents ? chars.Normalize(sigma[0]) : sigma;
    }

    private static bool IsCaseIgnorable(char c)
    {
        var category = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c);
        return c is '\'' or '.' or ':' or '\u00B7' or '\u2019' or '\u2018' or '\u2024' or '\u00AD'
            || category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark
                or System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.ModifierLetter
                or System.Globalization.UnicodeCategory.ModifierSymbol;
    }

    /// <summary>WordPiece on the buffered word; false when the token budget is exceeded.</summary>
    private bool FlushWord(TokenBuffer buffer, int budget)
    {
        var n = buffer.WordLength;
        if (n == 0)
        {
            return true;
        }

        buffer.WordLength = 0;
        var word = buffer.WordChars.AsSpan(0, n);
        var wordStart = buffer.WordStarts[0];
        var wordEnd = buffer.WordEnds[n - 1];
        if (CodePointCount(word) > maxInputCharsPerWord)
        {
            buffer.Add(vocabulary.UnkId, wordStart, wordEnd, false);
            return buffer.Count <= budget;
        }

        var before = buffer.Count;
        var start = 0;
        while (start < n)
        {
            var initial = start == 0;
            var end = Math.Min(n, start + (initial ? vocabulary.MaxInitialLength : vocabulary.MaxContinuationLength));
            var found = -1;
            while (end > start)
            {
                var piece = word[start..end];
                if (initial ? vocabulary.TryGetInitial(piece, out var id) : vocabulary.TryGetContinuation(piece, out id))
                {
                    found = id;
                    break;
                }

                end--;
            }

            if (found < 0)
            {
                buffer.Count = before;
                buffer.Add(vocabulary.UnkId, wordStart, wordEnd, false);
                return buffer.Count <= budget;
            }

            buffer.Add(found, buffer.WordStarts[start], buffer.WordEnds[end - 1], false);
            start = end;
        }

        return buffer.Count <= budget;
    }

    private static int CodePointCount(ReadOnlySpan<char> word)
    {
        var count = word.Length;
        for (var i = 1; i < word.Length; i++)
        {
            if (char.IsLowSurrogate(word[i]) && char.IsHighSurrogate(word[i - 1]))
            {
                count--;
            }
        }

        return count;
    }
}
