using System.Globalization;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>Model store settings; <see cref="FromSettings"/> reads the MODELS_* app settings listed in docs/storage.md.</summary>
public sealed record ModelStoreOptions
{
    /// <summary>Blob container holding <c>manifest.json</c> and the model prefixes.</summary>
    public string Container { get; init; } = "models";

    public string ManifestBlobName { get; init; } = ModelManifest.FileName;

    /// <summary>Local cache for downloaded models; must be writable (on Azure Functions, under the temp folder).</summary>
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "semantic-router", "model-cache");

    /// <summary>Models folder used when no storage account is configured (the embedded default).</summary>
    public string LocalModelsDirectory { get; init; } = "models";

    /// <summary>How often the manifest is re-checked; <see cref="TimeSpan.Zero"/> disables background refresh.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True (the default, what <c>models pull</c> wants): the background start downloads every model in the manifest and
    /// a refresh downloads every changed one. False (the router): only models someone asked for (<see cref="IModelStore.GetAsync"/>)
    /// are downloaded, and a refresh replaces only those; a model the config does not use is never fetched.
    /// </summary>
    public bool PrefetchAll { get; init; } = true;

    /// <summary>Maximum files downloaded at once across models.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    public static ModelStoreOptions FromSettings(Func<string, string?> getSetting)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var defaults = new ModelStoreOptions();
        var refresh = getSetting("MODELS_REFRESH_SECONDS");
        return new ModelStoreOptions
        {
            Container = NonEmpty(getSetting("MODELS_CONTAINER")) ?? defaults.Container,
            CacheDirectory = NonEmpty(getSetting("MODELS_CACHE_DIR")) ?? defaults.CacheDirectory,
            LocalModelsDirectory = NonEmpty(getSetting("MODELS_LOCAL_DIR")) ?? defaults.LocalModelsDirectory,
            RefreshInterval = refresh is null ? defaults.RefreshInterval
                : int.TryParse(refresh, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException("MODELS_REFRESH_SECONDS must be a whole number of seconds (0 disables refresh)."),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
