using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// A text classifier (BertForSequenceClassification-style export with a <c>logits</c> output).
/// Labels come from config.json <c>id2label</c>; <c>problem_type</c> multi_label_classification selects sigmoid.
/// Thread-safe; async calls from concurrent callers are micro-batched.
/// </summary>
public sealed class SequenceClassifier : IDisposable
{
    private readonly EncoderModel model;
    private readonly string outputName;
    private readonly string[] labels;
    private readonly bool multiLabel;
    private readonly MicroBatcher<ClassificationResult> batcher;

    internal SequenceClassifier(ModelFolder folder, ModelOptions options)
    {
        model = new EncoderModel(folder, options);
        try
        {
            outputName = model.Session.HasOutput("logits") ? "logits" : model.Session.Outputs[0].Name;
            var classes = (int)model.Session.Outputs.First(o => o.Name == outputName).Shape.LastOrDefault(-1);
            if (classes <= 0)
            {
                classes = ProbeClassCount();
            }

            labels = ModelFolder.Labels(folder.Config, classes);
            multiLabel = Activations.IsMultiLabel(folder.ProblemType);
            batcher = new MicroBatcher<ClassificationResult>(RunBatch, options.MaxBatchSize, options.MaxBatchWait);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Labels => labels;

    public bool IsMultiLabel => multiLabel;

    public int MaxLength => model.MaxLength;

    public ITokenizer Tokenizer => model.Tokenizer;

    public ClassificationResult Classify(string text) => RunBatch([model.Tokenize(text)])[0];

    public IReadOnlyList<ClassificationResult> ClassifyBatch(IReadOnlyList<string> texts) => RunBatch(texts.Select(model.Tokenize).ToArray());

    public ValueTask<ClassificationResult> ClassifyAsync(string text, CancellationToken cancellationToken = default) =>
        batcher.RunAsync(model.Tokenize(text), cancellationToken);

    public void Dispose()
    {
        batcher.Dispose();
        model.Dispose();
    }

    internal OrtTensor RunLogits(IReadOnlyList<TokenizedText> batch) => model.Run(batch, [outputName]).Outputs[0];

    private ClassificationResult[] RunBatch(IReadOnlyList<TokenizedText> batch)
    {
        var logits = RunLogits(batch);
        var width = labels.Length;
        var results = new ClassificationResult[batch.Count];
        for (var r = 0; r < batch.Count; r++)
        {
            results[r] = Activations.Classify(logits.Data.AsSpan(r * width, width), labels, multiLabel);
        }

        return results;
    }

    private int ProbeClassCount() => (int)model.Run([model.Tokenize(string.Empty)], [outputName]).Outputs[0].Shape[^1];
}
