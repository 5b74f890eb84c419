using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Benchmarks;

/// <summary>
/// Measures model-store time to ready (every required model on local disk and verified) for the
/// default model set in three situations, in one run so the ratios are comparable:
/// cold start from Azurite (empty cache), warm restart (cache filled, manifest unchanged) and the
/// standalone local-folder load (the baseline). Usage: <c>dotnet run -c Release --project
/// tests/SemanticRouter.Storage.Benchmarks [-- --iterations N] [--models DIR] [--process]</c>; <c>--process</c> adds the
/// whole app's cold start (<see cref="ProcessColdStart"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var iterations = int.Parse(Arg(args, "--iterations") ?? "7", CultureInfo.InvariantCulture);
        var source = Arg(args, "--models") ?? Path.Combine(RepoPaths.Root, "models");
        using var work = new WorkFolder();
        var (modelsDir, description) = await PrepareModelsAsync(source, work.Path);

        await using var azurite = new AzuriteServer();
        await azurite.StartAsync();
        using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(azurite.ConnectionString));
        var manifest = (await ModelUploader.UploadAsync(account.GetBlobClient("models"), modelsDir)).Manifest;
        var totalBytes = manifest.Models.Sum(m => m.TotalBytes);

        // One untimed round of each to JIT the code paths and warm Azurite.
        await ColdFromBlobAsync(account, work.Path);
        await LocalAsync(modelsDir);

        var cold = new List<double>();
        var warm = new List<double>();
        var local = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var cache = Path.Combine(work.Path, "cache-" + i.ToString(CultureInfo.InvariantCulture));
            cold.Add(await TimeAsync(() => LoadAsync(account, cache)));
            warm.Add(await TimeAsync(() => LoadAsync(account, cache)));
            local.Add(await LocalAsync(modelsDir));
        }

        var baseline = Median(local);
        Console.WriteLine($"Model set: {description}: {manifest.Models.Count} models, {manifest.Models.Sum(m => m.Files.Count)} files, {totalBytes / 1048576.0:0.0} MiB; {iterations} iterations, medians.");
        Console.WriteLine();
        Console.WriteLine("| Start | Time to ready (ms) | Ratio vs local disk |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| Local disk (standalone, sha256 verified) | {baseline:0.0} | 1.00 |");
        Console.WriteLine($"| Cold from Azurite (empty cache) | {Median(cold):0.0} | {Median(cold) / baseline:0.00} |");
        Console.WriteLine($"| Warm restart (cache hit, manifest 304) | {Median(warm):0.0} | {Median(warm) / baseline:0.00} |");
        if (args.Contains("--process"))
        {
            await ProcessColdStart.RunAsync(azurite.ConnectionString, work.Path, Math.Min(iterations, 5));
        }

        return 0;
    }

    private static async Task ColdFromBlobAsync(StorageAccount account, string work) =>
        await LoadAsync(account, Path.Combine(work, "cache-warmup"));

    private static async Task LoadAsync(StorageAccount account, string cache)
    {
        await using var store = ModelStoreFactory.Create(new ModelStoreOptions { CacheDirectory = cache, RefreshInterval = TimeSpan.Zero }, account);
        await store.EnsureLoadedAsync();
    }

    private static async Task<double> LocalAsync(string modelsDir) =>
        await TimeAsync(async () =>
        {
            await using var store = ModelStoreFactory.Create(new ModelStoreOptions { LocalModelsDirectory = modelsDir, RefreshInterval = TimeSpan.Zero }, null);
            await store.EnsureLoadedAsync();
        });

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var stopwatch = Stopwatch.StartNew();
        await action();
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Copies the repository's models (never modifying them); without trained models, a synthetic set of the same shape.</summary>
    private static async Task<(string Dir, string Description)> PrepareModelsAsync(string source, string work)
    {
        var target = Path.Combine(work, "models");
        var found = await ModelManifestWriter.FromFoldersAsync(source);
        if (found.Models.Count > 0)
        {
            foreach (var model in found.Models)
            {
                foreach (var file in model.Files)
                {
                    var to = Path.Combine(target, model.Prefix, file.Path);
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(Path.Combine(source, model.Prefix, file.Path), to);
                }
            }

            var manifest = Path.Combine(source, ModelManifest.FileName);
            if (File.Exists(manifest))
            {
                File.Copy(manifest, Path.Combine(target, ModelManifest.FileName));
            }

            return (target, "default models from " + source);
        }

        // Shape of a small default set: four BERT-mini-sized exports (~4 MiB ONNX + tokenizer each).
        foreach (var name in new[] { "domain-classifier", "jailbreak-classifier", "pii-token-classifier", "embedder" })
        {
            var dir = Path.Combine(target, name);
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), """{"architectures":["BertForSequenceClassification"],"id2label":{"0":"a","1":"b"}}""");
            await File.WriteAllBytesAsync(Path.Combine(dir, "model.onnx"), RandomNumberGenerator.GetBytes(4 * 1024 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(dir, "tokenizer.json"), RandomNumberGenerator.GetBytes(700 * 1024));
        }

        return (target, "synthetic stand-in (no trained models under models/ yet)");
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed class WorkFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "storage-bench-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Temp leftovers are harmless.
            }
        }
    }
}
