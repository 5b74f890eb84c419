using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// Tokenizer + ONNX session of one model folder: pads a batch of tokenized texts and feeds exactly the
/// inputs the session declares (a model without token_type_ids never receives them). A folder with a trunk
/// (<see cref="ModelFolder.Trunk"/>) runs the shared trunk first and feeds its hidden states to its own graph.
/// </summary>
internal sealed class EncoderModel : IDisposable
{
    private readonly string[] inputNames;
    private readonly EncoderTrunk? trunk;

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
        trunk = folder.Trunk is { } reference ? EncoderTrunk.Acquire(reference, options.Session) : null;
        try
        {
            Session = OrtSession.Load(folder.OnnxPath, options.Session);
        }
        catch
        {
            trunk?.Release();
            throw;
        }

        try
        {
            var known = trunk is null ? TokenTensors.Names : [.. TokenTensors.Names, trunk.Output];
            var unknown = Session.Inputs.Select(i => i.Name).Where(n => !known.Contains(n)).ToList();
            var start = trunk?.Output ?? "input_ids";
            if (unknown.Count > 0 || !Session.HasInput(start))
            {
                throw new NotSupportedException(
                    $"Model '{folder.OnnxPath}' declares inputs [{string.Join(", ", Session.Inputs.Select(i => i.Name))}]; "
                    + $"the engine feeds {string.Join(", ", known)} ({start} required).");
            }

            inputNames = Session.Inputs.Select(i => i.Name).ToArray();
        }
        catch
        {
            Dispose();
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
        var length = TokenTensors.Length(batch);
        var inputs = new OrtInput[inputNames.Length];
        for (var k = 0; k < inputNames.Length; k++)
        {
            inputs[k] = trunk is not null && inputNames[k] == trunk.Output
                ? HiddenStates(trunk.Encode(batch, Tokenizer.PadTokenId), batch, length)
                : TokenTensors.Build(inputNames[k], batch, length, Tokenizer.PadTokenId);
        }

        return (Session.Run(inputs, outputs), length);
    }

    public void Dispose()
    {
        Session.Dispose();
        trunk?.Release();
    }

    /// <summary>The trunk's states as a [rows, length, hidden] tensor, padding positions zero (the mask hides them).</summary>
    private OrtInput HiddenStates(float[][] states, IReadOnlyList<TokenizedText> batch, int length)
    {
        var width = trunk!.Width;
        for (var r = 0; width <= 0 && r < batch.Count; r++)
        {
            width = batch[r].Count == 0 ? 0 : states[r].Length / batch[r].Count;
        }

        var data = new float[batch.Count * length * width];
        for (var r = 0; r < batch.Count; r++)
        {
            states[r].CopyTo(data.AsSpan(r * length * width));
        }

        return OrtInput.Float(trunk.Output, data, [batch.Count, length, width]);
    }
}
