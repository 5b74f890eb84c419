namespace SemanticRouter.Storage.ModelStore;

/// <summary>Raised after a refresh swapped in new model versions; reload the named models.</summary>
public sealed class ModelSetChangedEventArgs(long version, IReadOnlyList<string> changedModels) : EventArgs
{
    public long Version { get; } = version;

    public IReadOnlyList<string> ChangedModels { get; } = changedModels;
}
