namespace SemanticRouter.Storage.ModelStore;

/// <summary>Where manifests and model files come from: Blob storage (with a disk cache) or a local folder.</summary>
internal interface IModelSource
{
    /// <summary>"blob" or "local", for the status body.</summary>
    string Name { get; }

    /// <summary>The manifest, or <see cref="ManifestFetch.NotModified"/> when its tag still equals <paramref name="knownTag"/>.</summary>
    Task<ManifestFetch> FetchManifestAsync(string? knownTag, CancellationToken cancellationToken);

    /// <summary>Makes one model's files available on disk and returns their directory; reports bytes as they are loaded.</summary>
    Task<string> MaterializeAsync(ModelEntry model, IProgress<long> progress, CancellationToken cancellationToken);

    /// <summary>Removes cached versions of a model other than <paramref name="keepHashes"/>.</summary>
    void Prune(string modelName, IReadOnlyCollection<string> keepHashes);
}

/// <summary>A manifest and the tag (ETag or content hash) that identifies its version.</summary>
internal sealed record ManifestFetch(ModelManifest? Manifest, string Tag, bool IsNotModified)
{
    public static ManifestFetch NotModified(string tag) => new(null, tag, true);
}
