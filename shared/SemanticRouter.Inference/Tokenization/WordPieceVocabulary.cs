namespace SemanticRouter.Inference.Tokenization;

/// <summary>WordPiece vocabulary split into word-initial and continuation ("##") pieces, looked up by span.</summary>
internal sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> initial;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> continuation;

    public WordPieceVocabulary(IReadOnlyDictionary<string, int> tokens, string continuingSubwordPrefix, string unkToken)
    {
        var initialMap = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        var continuationMap = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, id) in tokens)
        {
            initialMap[token] = id;
            MaxInitialLength = Math.Max(MaxInitialLength, token.Length);
            if (continuingSubwordPrefix.Length > 0 && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
            {
                var rest = token[continuingSubwordPrefix.Length..];
                continuationMap[rest] = id;
                MaxContinuationLength = Math.Max(MaxContinuationLength, rest.Length);
            }
        }

        if (!initialMap.TryGetValue(unkToken, out var unk))
        {
            throw new InvalidDataException($"The vocabulary has no unknown token '{unkToken}'.");
        }

        UnkId = unk;
        Count = initialMap.Count;
        Tokens = initialMap;
        initial = initialMap.GetAlternateLookup<ReadOnlySpan<char>>();
        continuation = continuationMap.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int UnkId { get; }

    public int Count { get; }

    public IReadOnlyDictionary<string, int> Tokens { get; }

    public int MaxInitialLength { get; }

    public int MaxContinuationLength { get; }

    public bool TryGetInitial(ReadOnlySpan<char> piece, out int id) => initial.TryGetValue(piece, out id);

    public bool TryGetContinuation(ReadOnlySpan<char> piece, out int id) => continuation.TryGetValue(piece, out id);
}
