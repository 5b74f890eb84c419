namespace SemanticRouter.Inference.Tokenization;

/// <summary>A token matched verbatim in the raw text before normalisation (e.g. "[CLS]" typed by a user).</summary>
internal sealed record AddedToken(string Content, int Id, bool Special);
