namespace SemanticRouter.Inference.Tokenization;

/// <summary>Turns text into model input ids with character offsets; implementations are thread-safe.</summary>
public interface ITokenizer
{
    /// <summary>The most tokens (special tokens included) a model input may have.</summary>
    int MaxLength { get; }

    int PadTokenId { get; }

    /// <summary>Encodes with the tokenizer's <see cref="MaxLength"/>, truncating longer texts.</summary>
    TokenizedText Encode(string text);

    /// <summary>Encodes with an explicit limit; <paramref name="overflow"/> says whether to truncate or throw.</summary>
    TokenizedText Encode(string text, int maxLength, OverflowBehavior overflow);
}

/// <summary>What to do with a text that has more tokens than allowed.</summary>
public enum OverflowBehavior
{
    /// <summary>Keep the first tokens (right truncation, as Hugging Face's default).</summary>
    Truncate,

    /// <summary>Throw <see cref="InputTooLongException"/>.</summary>
    Throw,
}
