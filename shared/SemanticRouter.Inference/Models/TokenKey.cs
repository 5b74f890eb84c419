using System.Runtime.InteropServices;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>A token sequence (ids and segment ids) compared by value, for sharing results between models.</summary>
internal readonly struct TokenKey : IEquatable<TokenKey>
{
    private readonly int[] ids;
    private readonly int[] typeIds;
    private readonly int hash;

    public TokenKey(TokenizedText text)
    {
        ids = text.Ids;
        typeIds = text.TypeIds;
        var h = default(HashCode);
        h.AddBytes(MemoryMarshal.AsBytes(ids.AsSpan()));
        h.AddBytes(MemoryMarshal.AsBytes(typeIds.AsSpan()));
        hash = h.ToHashCode();
    }

    public bool Equals(TokenKey other) =>
        hash == other.hash && ids.AsSpan().SequenceEqual(other.ids) && typeIds.AsSpan().SequenceEqual(other.typeIds);

    public override bool Equals(object? obj) => obj is TokenKey other && Equals(other);

    public override int GetHashCode() => hash;
}
