using System.Numerics.Tensors;
using SemanticRouter.Core.Embeddings;

namespace SemanticRouter.Cache.Embedding;

/// <summary>
/// A deterministic, model-free stand-in embedder: word unigrams (stop words down-weighted), word
/// bigrams (so word order counts) and character trigrams of each word (so inflections and typos
/// stay close) are feature-hashed with a sign bit into <see cref="Dimension"/> buckets and
/// L2-normalised. It catches rewordings that keep most of the vocabulary, not synonyms; the ONNX
/// sentence embedder replaces it when one is registered. Hashes are FNV-1a over UTF-16 code units,
/// so vectors are identical across processes and machines (entries in a shared store stay comparable).
/// </summary>
public sealed class HashingTextEmbedder : ITextEmbedder
{
    public const string Name = "hashing-ngram-512-v1";

    /// <summary>Only the first characters are embedded; longer prompts still key exactly through the fingerprint.</summary>
    public const int MaxChars = 8192;

    private const float UnigramWeight = 1.0f;
    private const float StopWordWeight = 0.5f;
    private const float BigramWeight = 0.5f;
    private const float TrigramWeight = 0.25f;
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "be", "was", "were", "it",
        "this", "that", "with", "as", "by", "at", "from", "can", "do", "does", "how", "what", "which", "who",
        "why", "when", "where", "i", "you", "we", "they", "my", "your", "me", "please",
    };

    public string ConfigName => Name;

    public string ModelName => Name;

    public int Dimension => 512;

    public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(Embed(text));

    public float[] Embed(string text)
    {
        var vector = new float[Dimension];
        var words = Words(text.AsSpan(0, Math.Min(text.Length, MaxChars)));
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            Add(vector, Hash(FnvOffset ^ 'w', w), StopWords.Contains(w) ? StopWordWeight : UnigramWeight);
            if (i > 0)
            {
                Add(vector, Hash(Hash(FnvOffset ^ 'b', words[i - 1]) ^ ' ', w), BigramWeight);
            }

            AddTrigrams(vector, w);
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private static List<string> Words(ReadOnlySpan<char> text)
    {
        var words = new List<string>(text.Length / 5 + 1);
        Span<char> buffer = stackalloc char[64];
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (n < buffer.Length)
                {
                    buffer[n++] = char.ToLowerInvariant(c);
                }

                continue;
            }

            if (n > 0)
            {
                words.Add(new string(buffer[..n]));
                n = 0;
            }
        }

        if (n > 0)
        {
            words.Add(new string(buffer[..n]));
        }

        return words;
    }

    private void AddTrigrams(float[] vector, string word)
    {
        // "<word>" framed, so prefixes and suffixes are features of their own.
        var framedLength = word.Length + 2;
        for (var start = 0; start + 3 <= framedLength; start++)
        {
            var h = FnvOffset ^ 't';
            for (var k = start; k < start + 3; k++)
            {
                var c = k == 0 ? '<' : k == framedLength - 1 ? '>' : word[k - 1];
                h = (h ^ c) * FnvPrime;
            }

            Add(vector, h, TrigramWeight);
        }
    }

    private void Add(float[] vector, ulong hash, float weight)
    {
        hash = Mix(hash);
        var bucket = (int)(hash % (ulong)Dimension);
        vector[bucket] += (hash >> 63) == 0 ? weight : -weight;
    }

    private static ulong Hash(ulong seed, string s)
    {
        var h = seed;
        foreach (var c in s)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    // FNV's low bits are weak for short inputs; a final avalanche spreads them over the buckets.
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
