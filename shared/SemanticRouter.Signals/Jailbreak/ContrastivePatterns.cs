using SemanticRouter.Signals.Embedding;

namespace SemanticRouter.Signals.Jailbreak;

/// <summary>A rule's jailbreak and benign example sets (embedded once, on first use) and the contrast of a prompt to them.</summary>
internal sealed class ContrastivePatterns(CandidateSet jailbreak, CandidateSet benign)
{
    /// <summary>contrast = best similarity to a jailbreak pattern − best similarity to a benign pattern.</summary>
    public async Task<ContrastiveScore> ScoreAsync(float[] query)
    {
        var jailbreakSimilarity = Max(await jailbreak.SimilaritiesAsync(query).ConfigureAwait(false));
        var benignSimilarity = Max(await benign.SimilaritiesAsync(query).ConfigureAwait(false));
        return new ContrastiveScore(jailbreakSimilarity - benignSimilarity, jailbreakSimilarity, benignSimilarity);
    }

    private static double Max(float[] similarities) => System.Numerics.Tensors.TensorPrimitives.Max(similarities);
}

/// <summary>One prompt's contrast and the two best similarities it came from.</summary>
internal readonly record struct ContrastiveScore(double Contrast, double JailbreakSimilarity, double BenignSimilarity);
