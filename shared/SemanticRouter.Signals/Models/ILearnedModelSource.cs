namespace SemanticRouter.Signals.Models;

/// <summary>
/// Where model folders come from when they are not read in place from the local models directory: the
/// host adapts its model store (Blob storage, downloaded once per instance into a content-addressed cache).
/// </summary>
public interface ILearnedModelSource
{
    /// <summary>The local folder holding the current version of the named model, loading it first if needed.</summary>
    ValueTask<string> GetFolderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Raised with the names of models whose version changed; the new folders are already complete.</summary>
    event EventHandler<IReadOnlyList<string>>? ModelsChanged;
}
