using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// Tokenizer + ONNX session of one model folder: pads a batch of tokenized texts and feeds exactly the
/// inputs the session declares (a model without token_type_ids never receives them).
/// </summary>
internal sealed class EncoderModel : IDisposable
{
    private static readonly string[] KnownInputs = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly string[] inputNames;

    public EncoderModel(ModelFolder folder, ModelOptions options)
    {
        Folder = folder;
        Tokenizer = TokenizerLoader.Load(folder.Path);
        var maxLength = options.MaxLength ?? Math.Min(Tokenizer.MaxLength, folder.MaxPositionEmbeddings ?? int.MaxValue);
        if (maxLength < 2)
        {
            throw new ArgumentException($"Maximum length {maxLength} is too small for model '{folder.Path}'.", nameof(options));
        }

        MaxLength = maxLength;
        Overflow = options.Overflow;
        Session = OrtSession.Load(folder.OnnxPath, options.Session);
        try
        {
            var unknown = Session.Inputs.Select(i => i.Name).Where(n => !KnownInputs.Contains(n)).ToList();
            if (unknown.Count > 0 || !Session.HasInput("input_ids"))
            {
                throw new NotSupportedException(
                    $"Model '{folder.OnnxPath}' declares inputs [{string.Join(", ", Session.Inputs.Select(i => i.Name))}]; "
                    + "the engine feeds input_ids, attention_mask and token_type_ids (input_ids required).");
            }

            inputNames = Session.Inputs.Select(i => i.Name).ToArray();
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    public ModelFolder Folder { get; }

    public ITokenizer Tokenizer { get; }

    public OrtSession Session { get; }

    public int MaxLength { get; }

    public OverflowBehavior Overflow { get; }

    public TokenizedText Tokenize(string text) => Tokenizer.Encode(text, MaxLength, Overflow);

    /// <summary>Runs one padded batch; returns the requested outputs and the padded sequence length.</summary>
    public (OrtTensor[] Outputs, int SequenceLength) Run(IReadOnlyList<TokenizedText> batch, IReadOnlyList<string> outputs)
    {
        var rows = batch.Count;
        var length = 0;
        foreach (var t in batch)
        {
            length = Math.Max(length, t.Count);
        }

        var shape = new long[] { rows, length };
        var inputs = new OrtInput[inputNames.Length];
        for (var k = 0; k < inputNames.Length; k++)
        {
            var data = new long[rows * length];
            var name = inputNames[k];
            for (var r = 0; r < rows; r++)
            {
                var t = batch[r];
                var row = data.AsSpan(r * length, length);
                switch (name)
                {
                    case "input_ids":
                        for (var i = 0; i < t.Count; i++)
                        {
                            row[i] = t.Ids[i];
                        }

                        row[t.Count..].Fill(Tokenizer.PadTokenId);
                        break;
                    case "attention_mask":
                        row[..t.Count].Fill(1);
                        break;
                    default:
                        for (var i = 0; i < t.Count; i++)
                        {
                            row[i] = t.TypeIds[i];
                        }

                        break;
                }
            }

            inputs[k] = new OrtInput(name, data, shape);
        }

        return (Session.Run(inputs, outputs), length);
    }

    public void Dispose() => Session.Dispose();
}
