namespace SemanticRouter.Inference.Models;

/// <summary>Turns a row of logits into scores; multi-label problems use sigmoid, everything else softmax.</summary>
internal static class Activations
{
    public static ClassificationResult Classify(ReadOnlySpan<float> logits, string[] labels, bool multiLabel)
    {
        var scores = new float[logits.Length];
        if (multiLabel)
        {
            for (var i = 0; i < logits.Length; i++)
            {
                scores[i] = 1f / (1f + MathF.Exp(-logits[i]));
            }
        }
        else
        {
            Softmax(logits, scores);
        }

        var best = 0;
        var list = new LabelScore[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            list[i] = new LabelScore(labels[i], scores[i]);
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return new ClassificationResult(labels[best], scores[best], list);
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> output)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        var sum = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            output[i] = MathF.Exp(logits[i] - max);
            sum += output[i];
        }

        for (var i = 0; i < logits.Length; i++)
        {
            output[i] /= sum;
        }
    }

    public static bool IsMultiLabel(string? problemType) => string.Equals(problemType, "multi_label_classification", StringComparison.Ordinal);
}
