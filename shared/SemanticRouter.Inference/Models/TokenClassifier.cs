using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// A token classifier (NER / PII) with BIO or IOB tags in <c>id2label</c>. Each token gets its softmax-best tag;
/// consecutive tokens of one entity type (B- starts a new one, I- continues the same type) merge into a span of the
/// original text, scored by the mean of their token scores. Tags without a prefix act as I-.
/// </summary>
public sealed class TokenClassifier : IDisposable
{
    private readonly EncoderModel model;
    private readonly string outputName;
    private readonly string[] labels;
    private readonly MicroBatcher<IReadOnlyList<EntitySpan>> batcher;

    internal TokenClassifier(ModelFolder folder, ModelOptions options)
    {
        model = new EncoderModel(folder, options);
        try
        {
            outputName = model.Session.HasOutput("logits") ? "logits" : model.Session.Outputs[0].Name;
            var classes = (int)model.Session.Outputs.First(o => o.Name == outputName).Shape.LastOrDefault(-1);
            if (classes <= 0)
            {
                classes = (int)model.Run([model.Tokenize(string.Empty)], [outputName]).Outputs[0].Shape[^1];
            }

            labels = ModelFolder.Labels(folder.Config, classes);
            batcher = new MicroBatcher<IReadOnlyList<EntitySpan>>(RunBatch, options.MaxBatchSize, options.MaxBatchWait);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Labels => labels;

    public int MaxLength => model.MaxLength;

    public IReadOnlyList<EntitySpan> Extract(string text) => RunBatch([model.Tokenize(text)])[0];

    public ValueTask<IReadOnlyList<EntitySpan>> ExtractAsync(string text, CancellationToken cancellationToken = default) =>
        batcher.RunAsync(model.Tokenize(text), cancellationToken);

    /// <summary>The best tag and its probability for every token, in token order (special tokens included).</summary>
    public IReadOnlyList<(string Label, float Score)> TagTokens(string text)
    {
        var tokens = model.Tokenize(text);
        var (outputs, length) = model.Run([tokens], [outputName]);
        return Enumerable.Range(0, tokens.Count).Select(i => BestTag(outputs[0].Data.AsSpan(i * labels.Length, labels.Length))).ToArray();
    }

    public void Dispose()
    {
        batcher.Dispose();
        model.Dispose();
    }

    internal static IReadOnlyList<EntitySpan> Aggregate(TokenizedText tokens, IReadOnlyList<(string Label, float Score)> tags)
    {
        var spans = new List<EntitySpan>();
        string? type = null;
        int start = 0, end = 0, count = 0;
        float sum = 0;

        void Close()
        {
            if (type is not null)
            {
                spans.Add(new EntitySpan(type, start, end, sum / count));
            }

            type = null;
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens.IsSpecial[i])
            {
                Close();
                continue;
            }

            var (label, score) = tags[i];
            var (prefix, entity) = Split(label);
            if (entity is null)
            {
                Close();
                continue;
            }

            if (prefix == 'B' || type != entity)
            {
                Close();
                type = entity;
                start = tokens.Offsets[i].Start;
                count = 0;
                sum = 0;
            }

            end = tokens.Offsets[i].End;
            sum += score;
            count++;
        }

        Close();
        return spans;
    }

    private static (char Prefix, string? Entity) Split(string label)
    {
        if (label is "O" or "")
        {
            return ('O', null);
        }

        if (label.Length > 2 && label[1] is '-' or '_' && label[0] is 'B' or 'I' or 'E' or 'S' or 'L' or 'U')
        {
            // BIOES/BILOU: single-token (S/U) entities start like B.
            var p = label[0] is 'S' or 'U' ? 'B' : label[0] is 'E' or 'L' ? 'I' : label[0];
            return (p, label[2..]);
        }

        return ('I', label);
    }

    private (string Label, float Score) BestTag(ReadOnlySpan<float> logits)
    {
        Span<float> probabilities = stackalloc float[logits.Length];
        Activations.Softmax(logits, probabilities);
        var best = 0;
        for (var k = 1; k < probabilities.Length; k++)
        {
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }

        return (labels[best], probabilities[best]);
    }

    private IReadOnlyList<EntitySpan>[] RunBatch(IReadOnlyList<TokenizedText> batch)
    {
        var (outputs, length) = model.Run(batch, [outputName]);
        var data = outputs[0].Data;
        var width = labels.Length;
        var results = new IReadOnlyList<EntitySpan>[batch.Count];
        for (var r = 0; r < batch.Count; r++)
        {
            var tokens = batch[r];
            var tags = new (string, float)[tokens.Count];
            for (var i = 0; i < tokens.Count; i++)
            {
                tags[i] = BestTag(data.AsSpan(((r * length) + i) * width, width));
            }

            results[r] = Aggregate(tokens, tags);
        }

        return results;
    }
}
