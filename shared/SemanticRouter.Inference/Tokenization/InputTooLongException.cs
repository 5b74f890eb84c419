namespace SemanticRouter.Inference.Tokenization;

/// <summary>A text has more tokens than the model accepts and the caller asked not to truncate.</summary>
public sealed class InputTooLongException : ArgumentException
{
    public InputTooLongException(int maxLength)
        : base($"The text has more than {maxLength} tokens (the model's maximum, special tokens included); shorten it or allow truncation.")
    {
        MaxLength = maxLength;
    }

    public InputTooLongException()
    {
    }

    public InputTooLongException(string message)
        : base(message)
    {
    }

    public InputTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int MaxLength { get; }
}
