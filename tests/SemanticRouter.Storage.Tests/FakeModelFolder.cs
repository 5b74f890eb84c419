using System.Security.Cryptography;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// A temporary models folder laid out like real Hugging Face exports (config.json, model.onnx,
/// tokenizer.json) but filled with random bytes: the store moves and verifies files, it does not
/// interpret them, so random content tests it fully.
/// </summary>
internal sealed class FakeModelFolder : IDisposable
{
    public FakeModelFolder()
    {
        Directory.CreateDirectory(Root);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "models-" + Guid.NewGuid().ToString("N"));

    public static FakeModelFolder Create(params (string Name, int OnnxBytes)[] models)
    {
        var folder = new FakeModelFolder();
        foreach (var (name, size) in models)
        {
            folder.AddModel(name, size);
        }

        return folder;
    }

    public void AddModel(string name, int onnxBytes, string architecture = "BertForSequenceClassification")
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.Combine(dir, "onnx"));
        File.WriteAllText(Path.Combine(dir, "config.json"), $$$"""{"architectures":["{{{architecture}}}"],"id2label":{"1":"beta","0":"alpha","2":"gamma"}}""");
        File.WriteAllBytes(Path.Combine(dir, "onnx", "model.onnx"), RandomNumberGenerator.GetBytes(onnxBytes));
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.json"), RandomNumberGenerator.GetBytes(4096));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }
}

/// <summary>A temporary cache directory, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }
}
