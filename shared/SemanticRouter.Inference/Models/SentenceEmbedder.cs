using System.Text.Json;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// A sentence embedder. Uses the ONNX <c>sentence_embedding</c> output when the export has one (sentence-transformers
/// modules already applied); otherwise pools <c>last_hidden_state</c> (mean over the attention mask, or CLS) as
/// <c>1_Pooling/config.json</c> or a config.json <c>pooling</c> field says, and L2-normalises when <c>modules.json</c>
/// has a Normalize module or config.json says <c>"normalize": true</c>.
/// </summary>
public sealed class SentenceEmbedder : ITextEmbedder, IDisposable
{
    private readonly EncoderModel model;
    private readonly string outputName;
    private readonly bool pooled;
    private readonly MicroBatcher<float[]> batcher;

    internal SentenceEmbedder(ModelFolder folder, ModelOptions options)
    {
        model = new EncoderModel(folder, options);
        try
        {
            pooled = model.Session.HasOutput("sentence_embedding");
            outputName = pooled ? "sentence_embedding" : model.Session.HasOutput("last_hidden_state") ? "last_hidden_state" : model.Session.Outputs[0].Name;
            Pooling = options.Pooling ?? ReadPooling(folder);
            Normalize = options.Normalize ?? ReadNormalize(folder);
            var declared = model.Session.Outputs.First(o => o.Name == outputName).Shape;
            Dimension = declared.Count > 0 && declared[^1] > 0 ? (int)declared[^1] : folder.HiddenSize ?? Embed(string.Empty).Length;
            batcher = new MicroBatcher<float[]>(RunBatch, options.MaxBatchSize, options.MaxBatchWait);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public int Dimension { get; }

    public PoolingMode Pooling { get; }

    public bool Normalize { get; }

    public int MaxLength => model.MaxLength;

    public float[] Embed(string text) => RunBatch([model.Tokenize(text)])[0];

    public IReadOnlyList<float[]> EmbedBatch(IReadOnlyList<string> texts) => RunBatch(texts.Select(model.Tokenize).ToArray());

    public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default) =>
        batcher.RunAsync(model.Tokenize(text), cancellationToken);

    public void Dispose()
    {
        batcher.Dispose();
        model.Dispose();
    }

    private float[][] RunBatch(IReadOnlyList<TokenizedText> batch)
    {
        var (outputs, length) = model.Run(batch, [outputName]);
        var data = outputs[0].Data;
        var hidden = (int)outputs[0].Shape[^1];
        var results = new float[batch.Count][];
        for (var r = 0; r < batch.Count; r++)
        {
            var vector = new float[hidden];
            if (pooled)
            {
                data.AsSpan(r * hidden, hidden).CopyTo(vector);
            }
            else
            {
                Pool(data.AsSpan(r * length * hidden, length * hidden), batch[r].Count, hidden, vector);
            }

            if (Normalize)
            {
                L2Normalize(vector);
            }

            results[r] = vector;
        }

        return results;
    }

    /// <summary>Pools one sequence; padding rows (index ≥ tokens) are never read, which is what the mask means.</summary>
    private void Pool(ReadOnlySpan<float> states, int tokens, int hidden, Span<float> vector)
    {
        switch (Pooling)
        {
            case PoolingMode.Cls:
                states[..hidden].CopyTo(vector);
                break;
            case PoolingMode.Max:
                vector.Fill(float.NegativeInfinity);
                for (var t = 0; t < tokens; t++)
                {
                    var row = states.Slice(t * hidden, hidden);
                    for (var j = 0; j < hidden; j++)
                    {
                        vector[j] = Math.Max(vector[j], row[j]);
                    }
                }

                break;
            default:
                for (var t = 0; t < tokens; t++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(vector, states.Slice(t * hidden, hidden), vector);
                }

                System.Numerics.Tensors.TensorPrimitives.Divide(vector, Math.Max(tokens, 1), vector);
                break;
        }
    }

    private static void L2Normalize(Span<float> vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, Math.Max(norm, 1e-12f), vector);
    }

    private static PoolingMode ReadPooling(ModelFolder folder)
    {
        if (folder.ReadOptional(Path.Combine("1_Pooling", "config.json")) is { } pooling)
        {
            bool On(string name) => pooling.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
            return On("pooling_mode_cls_token") ? PoolingMode.Cls : On("pooling_mode_max_tokens") ? PoolingMode.Max : PoolingMode.Mean;
        }

        if (folder.Config.TryGetProperty("pooling", out var p) && p.ValueKind == JsonValueKind.String)
        {
            return p.GetString() switch
            {
                "cls" => PoolingMode.Cls,
                "max" => PoolingMode.Max,
                "mean" => PoolingMode.Mean,
                var other => throw new NotSupportedException($"config.json pooling '{other}' in '{folder.Path}' is not one of mean, cls, max."),
            };
        }

        return PoolingMode.Mean;
    }

    private static bool ReadNormalize(ModelFolder folder)
    {
        if (folder.Config.TryGetProperty("normalize", out var n) && n.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return n.GetBoolean();
        }

        return folder.ReadOptional("modules.json") is { ValueKind: JsonValueKind.Array } modules
            && modules.EnumerateArray().Any(m => m.TryGetProperty("type", out var t) && (t.GetString() ?? string.Empty).EndsWith(".Normalize", StringComparison.Ordinal));
    }
}
