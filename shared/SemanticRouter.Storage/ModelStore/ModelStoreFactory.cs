using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>Creates the model store for a host: from Blob storage when an account is configured, else from the local models folder.</summary>
public static class ModelStoreFactory
{
    public static IModelStore Create(ModelStoreOptions options, StorageAccount? account, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IModelSource source = account is null
            ? new LocalFolderModelSource(Path.GetFullPath(options.LocalModelsDirectory))
            : new BlobModelSource(account.GetBlobClient(options.Container), options);
        return new CachingModelStore(source, options, timeProvider ?? TimeProvider.System);
    }
}
