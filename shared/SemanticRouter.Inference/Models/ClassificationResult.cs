namespace SemanticRouter.Inference.Models;

/// <summary>
/// A sentence-level prediction: the top label, its score, and every label's score in id order
/// (softmax probabilities for single-label models, independent sigmoids for multi-label ones).
/// </summary>
public sealed record ClassificationResult(string Label, float Score, IReadOnlyList<LabelScore> Scores);

public readonly record struct LabelScore(string Label, float Score);
