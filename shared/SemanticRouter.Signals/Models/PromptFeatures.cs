using SemanticRouter.Core.Signals;
using SemanticRouter.Inference.Models;

namespace SemanticRouter.Signals.Models;

/// <summary>
/// Per-request features computed once and shared between signal kinds through
/// <see cref="SignalContext.GetOrAddFeature{T}"/>: one prompt-classifier pass serves domain and jailbreak,
/// one embedding of the prompt serves embedding and complexity rules.
/// </summary>
internal static class PromptFeatures
{
    public static Task<IReadOnlyDictionary<string, ClassificationResult>> ClassifyLastUser(SignalContext context, LearnedModels models, CancellationToken cancellationToken) =>
        Classify(context, models, context.Request.LastUserText, cancellationToken);

    public static Task<IReadOnlyDictionary<string, ClassificationResult>> Classify(SignalContext context, LearnedModels models, string text, CancellationToken cancellationToken) =>
        context.GetOrAddFeature("prompt-classifier:" + TextKey(text), async () =>
            await models.PromptClassifier.ClassifyAsync(text, cancellationToken).ConfigureAwait(false));

    public static Task<float[]> EmbedLastUser(SignalContext context, LearnedModels models, CancellationToken cancellationToken) =>
        context.GetOrAddFeature("sentence-embedding:last-user", async () =>
            await models.SentenceEmbedder.EmbedAsync(context.Request.LastUserText, cancellationToken).ConfigureAwait(false));

    /// <summary>The embedding of any text of the request (an earlier turn), once per text per request.</summary>
    public static Task<float[]> Embed(SignalContext context, LearnedModels models, string text, CancellationToken cancellationToken) =>
        context.GetOrAddFeature("sentence-embedding:" + TextKey(text), async () =>
            await models.SentenceEmbedder.EmbedAsync(text, cancellationToken).ConfigureAwait(false));

    /// <summary>Names a per-text feature within one request.</summary>
    public static string TextKey(string text) => text.GetHashCode(StringComparison.Ordinal) + ":" + text.Length;

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
