using System.CommandLine;
using System.Globalization;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>models upload|pull|manifest</c>: publish the local models folder to Blob storage, fill the
/// local model cache from it (what an instance does at cold start), or regenerate <c>manifest.json</c>.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Publish, pull and describe the classifier/embedding models.");
        command.Subcommands.Add(Upload());
        command.Subcommands.Add(Pull());
        command.Subcommands.Add(Manifest());
        return command;
    }

    private static Command Upload()
    {
        var connection = new Option<string>("--connection-string") { Description = "Storage connection string (UseDevelopmentStorage=true for Azurite).", Required = true };
        var container = ContainerOption();
        var from = new Option<DirectoryInfo>("--from") { Description = "Models folder (one subfolder per model).", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("upload", "Hash the model folders, write manifest.json and upload changed files, manifest last.") { connection, container, from };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var folder = parseResult.GetValue(from)!;
            if (!folder.Exists)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"{folder.FullName}: folder not found");
                return 2;
            }

            return await RunAsync(parseResult, async () =>
            {
                using var account = new StorageAccount(StorageAccountOptions.FromConnectionString(parseResult.GetValue(connection)!));
                var progress = new SynchronousProgress<ModelUploadProgress>(p =>
                    output.WriteLine($"[{p.FilesDone}/{p.FilesTotal}] {p.Model}/{p.File} {Size(p.FileBytes)} {(p.Skipped ? "unchanged" : "uploaded")}"));
                var summary = await ModelUploader.UploadAsync(account.GetBlobClient(parseResult.GetValue(container)!), folder.FullName, progress, cancellationToken: cancellationToken);
                output.WriteLine($"{summary.Manifest.Models.Count} model(s): {summary.FilesUploaded} file(s) uploaded ({Size(summary.BytesUploaded)}), {summary.FilesSkipped} unchanged; manifest.json written last.");
            });
        });
        return command;
    }

    private static Command Pull()
    {
        var connection = new Option<string>("--connection-string") { Description = "Storage connection string; default: the AzureWebJobsStorage settings from the environment." };
        var container = ContainerOption();
        var cache = new Option<DirectoryInfo>("--cache") { Description = "Local model cache (default: MODELS_CACHE_DIR or the temp folder)." };
        var command = new Command("pull", "Download every model in the manifest into the local cache (skips what is already cached).") { connection, container, cache };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return await RunAsync(parseResult, async () =>
            {
                var connectionString = parseResult.GetValue(connection);
                var accountOptions = connectionString is null ? StorageSettings.FromEnvironment() : StorageAccountOptions.FromConnectionString(connectionString);
                if (accountOptions is null)
                {
                    throw new InvalidOperationException("No storage configured: pass --connection-string or set AzureWebJobsStorage.");
                }

                var defaults = ModelStoreOptions.FromSettings(Environment.GetEnvironmentVariable);
                var options = defaults with
                {
                    Container = parseResult.GetValue(container)!,
                    CacheDirectory = parseResult.GetValue(cache)?.FullName ?? defaults.CacheDirectory,
                    RefreshInterval = TimeSpan.Zero,
                };
                using var account = new StorageAccount(accountOptions);
                await using var store = ModelStoreFactory.Create(options, account);
                var load = store.EnsureLoadedAsync(cancellationToken);
                while (await Task.WhenAny(load, Task.Delay(1000, cancellationToken)) != load)
                {
                    var s = store.Status;
                    output.WriteLine($"  {s.ModelsLoaded}/{s.ModelsTotal} models, {Size(s.BytesLoaded)} of {Size(s.BytesTotal)}");
                }

                await load;
                foreach (var model in store.Status.Models)
                {
                    var location = await store.GetAsync(model.Name, cancellationToken);
                    output.WriteLine($"{model.Name} ({model.Kind}) {Size(model.BytesTotal)} -> {location.Directory}");
                }
            });
        });
        return command;
    }

    private static Command Manifest()
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "Models folder (one subfolder per model).", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("manifest", "Regenerate manifest.json (file list, sizes, sha256) from the model folders.") { from };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return await RunAsync(parseResult, async () =>
            {
                var folder = parseResult.GetValue(from)!;
                var manifest = await ModelManifestWriter.WriteAsync(folder.FullName, cancellationToken);
                foreach (var model in manifest.Models)
                {
                    output.WriteLine($"{model.Name} ({model.Kind}) {model.Files.Count} file(s), {Size(model.TotalBytes)}");
                }

                output.WriteLine($"wrote {Path.Combine(folder.FullName, ModelManifest.FileName)}");
            });
        });
        return command;
    }

    private static Option<string> ContainerOption() =>
        new("--container") { Description = "Blob container holding the models.", DefaultValueFactory = _ => "models" };

    private static async Task<int> RunAsync(ParseResult parseResult, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (e is StorageRequestException or ModelStoreException or InvalidDataException or InvalidOperationException or FormatException or IOException)
        {
            parseResult.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / (double)(1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>Reports on the caller's thread; Progress&lt;T&gt; would post to the thread pool and interleave lines.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
