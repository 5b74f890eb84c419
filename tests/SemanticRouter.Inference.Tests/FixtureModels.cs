using System.Text.Json;
using SemanticRouter.Testing;

namespace SemanticRouter.Inference.Tests;

/// <summary>The tiny generated models in models/fixtures and their PyTorch reference outputs.</summary>
internal static class FixtureModels
{
    public const string Classifier = "tiny-bert-classifier";
    public const string TokenClassifier = "tiny-bert-token-classifier";
    public const string Embedder = "tiny-bert-embedder";
    public const string MultiHead = "tiny-bert-multihead";

    public static string Folder(string name) => Path.Combine(RepoPaths.Root, "models", "fixtures", name);

    public static string OnnxFile(string name)
    {
        var nested = Path.Combine(Folder(name), "onnx", "model.onnx");
        return File.Exists(nested) ? nested : Path.Combine(Folder(name), "model.onnx");
    }

    public static IReadOnlyList<ReferenceCase> Reference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(name), "reference.json")));
        var cases = new List<ReferenceCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var texts = c.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
            var ids = c.GetProperty("input_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            var mask = c.GetProperty("attention_mask").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            var outputs = new Dictionary<string, (long[] Shape, float[] Data)>();
            foreach (var o in c.GetProperty("outputs").EnumerateObject())
            {
                outputs[o.Name] = (
                    o.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
                    o.Value.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());
            }

            cases.Add(new ReferenceCase(texts, ids, mask, outputs));
        }

        return cases;
    }

    /// <summary>Copies a fixture into a temp folder so a test can alter its files.</summary>
    public static string CopyToTemp(string name)
    {
        var target = Path.Combine(Path.GetTempPath(), "sr-fixture-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Folder(name), "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Folder(name), file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }
}

internal sealed record ReferenceCase(string[] Texts, long[][] InputIds, long[][] AttentionMask, Dictionary<string, (long[] Shape, float[] Data)> Outputs)
{
    public static long[] Flatten(long[][] rows) => rows.SelectMany(r => r).ToArray();

    public long[] Shape => [InputIds.Length, InputIds[0].Length];
}
