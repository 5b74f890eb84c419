namespace SemanticRouter.Inference.Tokenization;

/// <summary>Hugging Face <c>BertNormalizer</c> settings (tokenizer.json "normalizer").</summary>
public sealed record BertNormalizerOptions(bool CleanText, bool HandleChineseChars, bool Lowercase, bool StripAccents);
