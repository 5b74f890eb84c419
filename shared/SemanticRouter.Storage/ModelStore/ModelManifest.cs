using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>
/// <c>models/manifest.json</c>: every model the router may load, where its files live (blob prefix,
/// or folder under the local models directory) and their sha256, so a cache can be trusted and a
/// change detected. Written by <see cref="ModelManifestWriter"/>; see docs/storage.md.
/// </summary>
public sealed record ModelManifest(int Version, IReadOnlyList<ModelEntry> Models)
{
    public const int CurrentVersion = 1;
    public const string FileName = "manifest.json";

    public ModelEntry? Find(string name) => Models.FirstOrDefault(m => m.Name == name);
}

/// <summary>
/// One model: <see cref="Kind"/> tells the inference layer how to run it (sequence-classifier,
/// token-classifier, embedder, ...), <see cref="Prefix"/> is the blob "folder" (and local folder)
/// holding its files, <see cref="Required"/> models gate readiness.
/// </summary>
public sealed record ModelEntry(
    string Name,
    string Kind,
    string Prefix,
    IReadOnlyList<ModelFileEntry> Files,
    IReadOnlyList<string>? Labels = null,
    bool Required = true)
{
    /// <summary>Hash over the file list (path + sha256): the cache key, identical wherever the same bytes are served.</summary>
    [JsonIgnore]
    public string ContentHash
    {
        get
        {
            var builder = new StringBuilder();
            foreach (var file in Files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                builder.Append(file.Path).Append('\n').Append(file.Sha256).Append('\n');
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())))[..32];
        }
    }

    [JsonIgnore]
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>The blob name of one file: prefix + "/" + path.</summary>
    public string BlobName(ModelFileEntry file) => Prefix.Length == 0 ? file.Path : Prefix + "/" + file.Path;
}

/// <summary>One file of a model; <see cref="Path"/> is relative, '/'-separated.</summary>
public sealed record ModelFileEntry(string Path, string Sha256, long Size);
