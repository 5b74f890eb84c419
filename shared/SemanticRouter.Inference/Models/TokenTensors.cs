using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>The int64 inputs of an encoder graph for a padded batch of tokenized texts.</summary>
internal static class TokenTensors
{
    public static readonly string[] Names = ["input_ids", "attention_mask", "token_type_ids"];

    /// <summary>The longest text's token count: every row is padded to it.</summary>
    public static int Length(IReadOnlyList<TokenizedText> batch)
    {
        var length = 0;
        foreach (var t in batch)
        {
            length = Math.Max(length, t.Count);
        }

        return length;
    }

    /// <summary>One of <see cref="Names"/> as a [rows, length] tensor (padding: pad id, mask 0, type 0).</summary>
    public static OrtInput Build(string name, IReadOnlyList<TokenizedText> batch, int length, long padTokenId)
    {
        var rows = batch.Count;
        var data = new long[rows * length];
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

                    row[t.Count..].Fill(padTokenId);
                    break;
                case "attention_mask":
                    row[..t.Count].Fill(1);
                    break;
                case "token_type_ids":
                    for (var i = 0; i < t.Count; i++)
                    {
                        row[i] = t.TypeIds[i];
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(name), name, "not a token input");
            }
        }

        return new OrtInput(name, data, [rows, length]);
    }
}
