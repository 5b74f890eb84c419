using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Embedding;

/// <summary>Embeddings of a rule's candidate phrases, computed once on first use (not at config load, so validate stays model-free).</summary>
internal sealed class CandidateSet(IReadOnlyList<string> texts, LearnedModels models)
{
    private readonly Lazy<Task<float[][]>> _vectors = new(async () =>
    {
        var result = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            result[i] = await models.SentenceEmbedder.EmbedAsync(texts[i]).ConfigureAwait(false);
        }

        return result;
    });

    public int Count => texts.Count;

    public Task<float[][]> VectorsAsync() => _vectors.Value;

    /// <summary>Cosine similarity of <paramref name="query"/> to every candidate.</summary>
    public async Task<float[]> SimilaritiesAsync(float[] query)
    {
        var vectors = await VectorsAsync().ConfigureAwait(false);
        var sims = new float[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            sims[i] = PromptFeatures.Cosine(query, vectors[i]);
        }

        return sims;
    }
}
