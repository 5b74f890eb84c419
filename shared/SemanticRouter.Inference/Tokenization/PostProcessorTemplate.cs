namespace SemanticRouter.Inference.Tokenization;

/// <summary>The single-sequence template of a post-processor: special tokens before and after the text.</summary>
internal sealed record PostProcessorTemplate(int[] PrefixIds, int[] PrefixTypeIds, int SequenceTypeId, int[] SuffixIds, int[] SuffixTypeIds)
{
    public static readonly PostProcessorTemplate None = new([], [], 0, [], []);

    public int SpecialCount => PrefixIds.Length + SuffixIds.Length;
}
