using System.Text.Json;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// One shared encoder pass feeding several sentence-level heads (domain, jailbreak, …): the CPU-cheap stand-in
/// for one base model with several adapters. Folder format: an ONNX with one output per head, and config.json
/// <c>"heads": [{"name", "output", "problem_type", "id2label"}]</c>; without that list every output named
/// <c>logits_&lt;head&gt;</c> is a head with LABEL_i labels. See docs/inference.md.
/// </summary>
public sealed class MultiHeadClassifier : IDisposable
{
    private readonly EncoderModel model;
    private readonly Head[] heads;
    private readonly string[] outputNames;
    private readonly MicroBatcher<IReadOnlyDictionary<string, ClassificationResult>> batcher;

    internal MultiHeadClassifier(ModelFolder folder, ModelOptions options)
    {
        model = new EncoderModel(folder, options);
        try
        {
            heads = ReadHeads(folder, model);
            outputNames = heads.Select(h => h.Output).ToArray();
            batcher = new MicroBatcher<IReadOnlyDictionary<string, ClassificationResult>>(RunBatch, options.MaxBatchSize, options.MaxBatchWait);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Heads => heads.Select(h => h.Name).ToArray();

    public IReadOnlyList<string> LabelsOf(string head) => heads.First(h => h.Name == head).Labels;

    public int MaxLength => model.MaxLength;

    public IReadOnlyDictionary<string, ClassificationResult> Classify(string text) => RunBatch([model.Tokenize(text)])[0];

    public ValueTask<IReadOnlyDictionary<string, ClassificationResult>> ClassifyAsync(string text, CancellationToken cancellationToken = default) =>
        batcher.RunAsync(model.Tokenize(text), cancellationToken);

    public void Dispose()
    {
        batcher.Dispose();
        model.Dispose();
    }

    private IReadOnlyDictionary<string, ClassificationResult>[] RunBatch(IReadOnlyList<TokenizedText> batch)
    {
        var (outputs, _) = model.Run(batch, outputNames);
        var results = new IReadOnlyDictionary<string, ClassificationResult>[batch.Count];
        for (var r = 0; r < batch.Count; r++)
        {
            var perHead = new Dictionary<string, ClassificationResult>(heads.Length, StringComparer.Ordinal);
            for (var h = 0; h < heads.Length; h++)
            {
                var width = heads[h].Labels.Length;
                perHead[heads[h].Name] = Activations.Classify(outputs[h].Data.AsSpan(r * width, width), heads[h].Labels, heads[h].MultiLabel);
            }

            results[r] = perHead;
        }

        return results;
    }

    private static Head[] ReadHeads(ModelFolder folder, EncoderModel model)
    {
        var session = model.Session;
        int Width(string output)
        {
            var shape = session.Outputs.First(o => o.Name == output).Shape;
            return shape.Count > 0 && shape[^1] > 0 ? (int)shape[^1] : (int)model.Run([model.Tokenize(string.Empty)], [output]).Outputs[0].Shape[^1];
        }

        if (folder.Config.TryGetProperty("heads", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var heads = new List<Head>();
            foreach (var h in list.EnumerateArray())
            {
                var name = h.GetProperty("name").GetString() ?? throw new InvalidDataException($"A head in '{folder.Path}/config.json' has no name.");
                var output = h.TryGetProperty("output", out var o) ? o.GetString()! : "logits_" + name;
                if (!session.HasOutput(output))
                {
                    throw new InvalidDataException($"Head '{name}' names output '{output}', which '{folder.OnnxPath}' does not have (outputs: {string.Join(", ", session.Outputs.Select(x => x.Name))}).");
                }

                var problem = h.TryGetProperty("problem_type", out var p) ? p.GetString() : null;
                heads.Add(new Head(name, output, ModelFolder.Labels(h, Width(output)), Activations.IsMultiLabel(problem)));
            }

            return heads.ToArray();
        }

        var inferred = session.Outputs.Where(o => o.Name.StartsWith("logits_", StringComparison.Ordinal))
            .Select(o => new Head(o.Name["logits_".Length..], o.Name, ModelFolder.Labels(default, Width(o.Name)), false)).ToArray();
        return inferred.Length > 0 ? inferred : throw new InvalidDataException($"'{folder.Path}' has no config.json \"heads\" and no logits_<head> outputs.");
    }

    private sealed record Head(string Name, string Output, string[] Labels, bool MultiLabel);
}
