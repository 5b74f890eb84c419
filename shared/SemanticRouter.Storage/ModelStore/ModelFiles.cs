namespace SemanticRouter.Storage.ModelStore;

/// <summary>Checks a model's files in a folder against its manifest entry: every file present, with the listed size and sha256.</summary>
public static class ModelFiles
{
    /// <summary>Throws <see cref="ModelStoreException"/> naming the model and file at the first file that is missing or differs.</summary>
    public static async Task VerifyAsync(ModelEntry model, string directory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var file in model.Files)
        {
            var path = Path.Combine(directory, file.Path);
            if (!File.Exists(path))
            {
                throw new ModelStoreException(model.Name, file.Path, $"missing in {directory}.");
            }

            var actual = await ModelManifestWriter.DescribeFileAsync(directory, path, cancellationToken).ConfigureAwait(false);
            if (actual.Size != file.Size || actual.Sha256 != file.Sha256)
            {
                throw new ModelStoreException(model.Name, file.Path, $"does not match the manifest (expected sha256 {file.Sha256}, {file.Size} bytes; found {actual.Sha256}, {actual.Size} bytes). Regenerate it with `models manifest`.");
            }

            progress?.Report(file.Size);
        }
    }
}
