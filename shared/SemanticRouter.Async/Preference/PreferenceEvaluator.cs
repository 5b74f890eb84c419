using SemanticRouter.Core.Embeddings;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Async.Preference;

/// <summary>Scores every referenced preference rule: best cosine similarity between the user turn and the rule's examples.</summary>
internal sealed class PreferenceEvaluator : ISignalEvaluator
{
    private const int MaxQueryChars = 4000;
    private readonly PreferenceRule[] _rules;
    private readonly ITextEmbedder? _embedder;
    private readonly Func<bool> _embedderReady;
    private readonly Lazy<Task<float[][][]>>? _exampleVectors;

    public PreferenceEvaluator(PreferenceRule[] rules, ITextEmbedder? embedder, Func<bool>? embedderReady = null)
    {
        _rules = rules;
        _embedder = embedder;
        _embedderReady = embedderReady ?? (() => embedder is not null);
        if (embedder is not null)
        {
            // Example embeddings are computed once per snapshot, on first use.
            _exampleVectors = new Lazy<Task<float[][][]>>(() => EmbedExamplesAsync(embedder));
        }
    }

    public string Type => "preference";

    public async ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken)
    {
        var text = context.Request.LastUserText;
        if (text.Length > MaxQueryChars)
        {
            text = text[..MaxQueryChars];
        }

        var results = new SignalMatch[_rules.Length];
        if (_embedder is not null && _embedderReady())
        {
            var query = await context.GetOrAddFeature("preference.embedding:" + _embedder.ModelName, () => _embedder.EmbedAsync(text, cancellationToken).AsTask()).ConfigureAwait(false);
            var examples = await _exampleVectors!.Value.ConfigureAwait(false);
            for (var i = 0; i < _rules.Length; i++)
            {
                var best = 0.0;
                foreach (var e in examples[i])
                {
                    best = Math.Max(best, Dot(query, e));
                }

                results[i] = new SignalMatch(Type, _rules[i].Name, best >= _rules[i].Threshold, best, new { method = "embedding", model = _embedder.ModelName });
            }

            return results;
        }

        var bag = LexicalSimilarity.Bag(text);
        for (var i = 0; i < _rules.Length; i++)
        {
            var best = 0.0;
            foreach (var e in Phrases(_rules[i]))
            {
                best = Math.Max(best, LexicalSimilarity.Cosine(bag, LexicalSimilarity.Bag(e)));
            }

            results[i] = new SignalMatch(Type, _rules[i].Name, best >= _rules[i].Threshold, best, new { method = "lexical" });
        }

        return results;
    }

    private static IEnumerable<string> Phrases(PreferenceRule rule) =>
        rule.Description is null ? rule.Examples : rule.Examples.Append(rule.Description);

    private async Task<float[][][]> EmbedExamplesAsync(ITextEmbedder embedder)
    {
        var all = new float[_rules.Length][][];
        for (var i = 0; i < _rules.Length; i++)
        {
            var phrases = Phrases(_rules[i]).ToList();
            all[i] = new float[phrases.Count][];
            for (var j = 0; j < phrases.Count; j++)
            {
                all[i][j] = await embedder.EmbedAsync(phrases[j], CancellationToken.None).ConfigureAwait(false);
            }
        }

        return all;
    }

    private static double Dot(float[] a, float[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
