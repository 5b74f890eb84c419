namespace SemanticRouter.Inference.Models;

/// <summary>A model folder's shared lower graph: its file and the output the folder's own graph takes as input.</summary>
internal sealed record TrunkReference(string Path, string Output);
