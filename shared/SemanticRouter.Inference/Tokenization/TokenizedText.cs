namespace SemanticRouter.Inference.Tokenization;

/// <summary>
/// The tokens of one text, special tokens included. <see cref="Offsets"/> are UTF-16 character ranges
/// into the original string (special tokens added by the template have an empty range at 0).
/// </summary>
public sealed class TokenizedText
{
    public TokenizedText(int[] ids, int[] typeIds, TokenOffset[] offsets, bool[] isSpecial, bool truncated)
    {
        Ids = ids;
        TypeIds = typeIds;
        Offsets = offsets;
        IsSpecial = isSpecial;
        Truncated = truncated;
    }

    public int[] Ids { get; }

    /// <summary>Segment ids (token_type_ids); all zero for a single text.</summary>
    public int[] TypeIds { get; }

    public TokenOffset[] Offsets { get; }

    /// <summary>True for tokens added by the post-processor template and added special tokens found in the text.</summary>
    public bool[] IsSpecial { get; }

    /// <summary>True when tokens were dropped to fit the maximum length.</summary>
    public bool Truncated { get; }

    public int Count => Ids.Length;
}

/// <summary>A half-open UTF-16 range [Start, End) in the original text.</summary>
public readonly record struct TokenOffset(int Start, int End);
