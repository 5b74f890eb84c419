using System.Security.Cryptography;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

public class ModelManifestTests
{
    [Fact]
    public async Task Writer_hashes_every_runtime_file_and_reads_kind_and_labels_from_config()
    {
        using var models = FakeModelFolder.Create(("domain", 1000));
        models.AddModel("pii", 500, "BertForTokenClassification");
        models.AddModel("embed", 300, "BertModel");
        Directory.CreateDirectory(Path.Combine(models.Root, "tooling"));
        File.WriteAllText(Path.Combine(models.Root, "tooling", "train.py"), "print()");
        File.WriteAllBytes(Path.Combine(models.Root, "domain", "pytorch_model.bin"), [1, 2, 3]);

        var manifest = await ModelManifestWriter.WriteAsync(models.Root);

        Assert.Equal(["domain", "embed", "pii"], manifest.Models.Select(m => m.Name));
        var domain = manifest.Find("domain")!;
        Assert.Equal("sequence-classifier", domain.Kind);
        Assert.Equal(["alpha", "beta", "gamma"], domain.Labels);
        Assert.Equal("token-classifier", manifest.Find("pii")!.Kind);
        Assert.Equal("embedder", manifest.Find("embed")!.Kind);
        Assert.Null(manifest.Find("embed")!.Labels);
        Assert.Equal(["config.json", "onnx/model.onnx", "tokenizer.json"], domain.Files.Select(f => f.Path));
        var onnx = domain.Files.Single(f => f.Path == "onnx/model.onnx");
        var bytes = File.ReadAllBytes(Path.Combine(models.Root, "domain", "onnx", "model.onnx"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), onnx.Sha256);
        Assert.Equal(1000, onnx.Size);
        Assert.DoesNotContain("contentHash", File.ReadAllText(Path.Combine(models.Root, "manifest.json")), StringComparison.Ordinal);
        Assert.Equal(manifest, ModelManifestJson.Parse(File.ReadAllBytes(Path.Combine(models.Root, "manifest.json"))), ManifestComparer.Instance);
    }

    [Fact]
    public void The_committed_manifest_is_written_back_byte_for_byte()
    {
        // `models upload` and `models manifest` rewrite the tracked models/manifest.json: with nothing changed it must
        // stay as committed (the training pipeline's format), not show up as a whitespace-only diff.
        var committed = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "models", "manifest.json"));

        var written = ModelManifestJson.Serialize(ModelManifestJson.Parse(committed));

        Assert.Equal(System.Text.Encoding.UTF8.GetString(committed), System.Text.Encoding.UTF8.GetString(written));
    }

    [Fact]
    public async Task Rewriting_keeps_hand_edited_kind_labels_and_required_flag()
    {
        using var models = FakeModelFolder.Create(("domain", 100));
        var first = await ModelManifestWriter.WriteAsync(models.Root);
        var edited = first with { Models = [first.Models[0] with { Kind = "multi-head", Labels = ["x"], Required = false }] };
        File.WriteAllBytes(Path.Combine(models.Root, "manifest.json"), ModelManifestJson.Serialize(edited));

        var second = await ModelManifestWriter.WriteAsync(models.Root);

        Assert.Equal("multi-head", second.Models[0].Kind);
        Assert.Equal(["x"], second.Models[0].Labels);
        Assert.False(second.Models[0].Required);
    }

    [Fact]
    public async Task Listed_models_are_rehashed_from_their_prefix_and_unlisted_config_folders_are_added()
    {
        using var models = FakeModelFolder.Create(("domain", 100));
        var langDir = Path.Combine(models.Root, "lang-data");
        Directory.CreateDirectory(langDir);
        File.WriteAllText(Path.Combine(langDir, "config.json"), """{"architectures":["CharNGramLanguageIdentifier"]}""");
        File.WriteAllText(Path.Combine(langDir, "profiles.json"), "{}");
        var listed = new ModelEntry("language-id", "language-identifier", "lang-data", [new ModelFileEntry("profiles.json", new string('0', 64), 1)], ["en", "fr"]);
        var gone = new ModelEntry("removed", "embedder", "removed", [new ModelFileEntry("model.onnx", new string('0', 64), 1)]);
        File.WriteAllBytes(Path.Combine(models.Root, "manifest.json"), ModelManifestJson.Serialize(new ModelManifest(1, [listed, gone])));

        var manifest = await ModelManifestWriter.WriteAsync(models.Root);

        Assert.Equal(["language-id", "domain"], manifest.Models.Select(m => m.Name));
        var language = manifest.Models[0];
        Assert.Equal(("language-identifier", "lang-data"), (language.Kind, language.Prefix));
        Assert.Equal(["en", "fr"], language.Labels);
        Assert.Equal(["config.json", "profiles.json"], language.Files.Select(f => f.Path));
        Assert.Equal(2, language.Files.Single(f => f.Path == "profiles.json").Size);
    }

    [Fact]
    public async Task A_new_folder_with_an_unfamiliar_architecture_gets_that_architecture_as_its_kind()
    {
        using var models = new FakeModelFolder();
        var dir = Path.Combine(models.Root, "lid");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"architectures":["CharNGramLanguageIdentifier"],"id2label":{"0":"x"}}""");

        var manifest = await ModelManifestWriter.FromFoldersAsync(models.Root);

        var entry = Assert.Single(manifest.Models);
        Assert.Equal("CharNGramLanguageIdentifier", entry.Kind);
        Assert.Null(entry.Labels);
    }

    [Fact]
    public void Validation_reports_every_problem_with_its_location()
    {
        var json = """
            {"version":1,"models":[
              {"name":"Bad Name","kind":"","prefix":"../x","files":[{"path":"/etc/passwd","sha256":"xyz","size":-1}]},
              {"name":"ok","kind":"embedder","prefix":"ok","files":[{"path":"a","sha256":"0000000000000000000000000000000000000000000000000000000000000000","size":1},{"path":"a","sha256":"0000000000000000000000000000000000000000000000000000000000000000","size":1}]}
            ]}
            """u8.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => ModelManifestJson.Parse(json));

        Assert.Contains("models[0].name", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[0].kind", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[0].prefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[0].files[0].path", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[0].files[0].sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[0].files[0].size", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[1].files[1].path: duplicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_hash_changes_with_any_file_hash_and_not_with_order()
    {
        var a = new ModelFileEntry("a", new string('1', 64), 1);
        var b = new ModelFileEntry("b", new string('2', 64), 1);
        var entry = new ModelEntry("m", "embedder", "m", [a, b]);

        Assert.Equal(entry.ContentHash, (entry with { Files = [b, a] }).ContentHash);
        Assert.NotEqual(entry.ContentHash, (entry with { Files = [a, b with { Sha256 = new string('3', 64) }] }).ContentHash);
    }

    /// <summary>Records holding lists compare by reference; compare the JSON instead.</summary>
    private sealed class ManifestComparer : IEqualityComparer<ModelManifest>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(ModelManifest? x, ModelManifest? y) =>
            x is not null && y is not null && ModelManifestJson.Serialize(x).AsSpan().SequenceEqual(ModelManifestJson.Serialize(y));

        public int GetHashCode(ModelManifest obj) => 0;
    }
}
