namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// A model ready on local disk: <see cref="Directory"/> holds its files exactly as listed in the
/// manifest (model.onnx, tokenizer.json, config.json, ...). A new version gets a new directory;
/// the old one stays while anyone may still be reading it.
/// </summary>
public sealed record ModelLocation(string Name, string Kind, string Directory, string ContentHash, IReadOnlyList<string>? Labels, ModelEntry Entry)
{
    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);
}
