using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Async.Tests;

/// <summary>A models folder in the temp directory: copies of fixture folders plus the manifest the router reads.</summary>
internal sealed class TemporaryModels : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("halu-models-").FullName;

    public void Add(string name, string source)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, name, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public Task WriteManifestAsync() => ModelManifestWriter.WriteAsync(Directory);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
