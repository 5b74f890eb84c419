using System.Globalization;

namespace SemanticRouter.Async;

/// <summary>The app settings this project reads (documented in docs/halugate.md, docs/feedback.md and docs/configuration.md).</summary>
public sealed record AsyncSettings
{
    public const string PollersSetting = "QUEUE_POLLERS";
    public const string RatingsRefreshSetting = "FEEDBACK_RATINGS_REFRESH_SECONDS";
    public const string DedupeWindowSetting = "FEEDBACK_DEDUPE_WINDOW";
    public const string AttributionCapacitySetting = "FEEDBACK_ATTRIBUTION_CAPACITY";
    public const string MinConfidenceSetting = "HALUGATE_MIN_CONFIDENCE";
    public const string DetectorModelSetting = "HALUGATE_DETECTOR_MODEL";
    public const string DetectorThresholdSetting = "HALUGATE_DETECTOR_THRESHOLD";

    /// <summary>Run the standalone pollers (default: yes, unless the Functions host runs us and triggers the queues itself).</summary>
    public bool RunPollers { get; init; } = true;

    public TimeSpan RatingsRefresh { get; init; } = TimeSpan.FromSeconds(10);

    public int DedupeWindow { get; init; } = 4096;

    public int AttributionCapacity { get; init; } = 100_000;

    public double MinConfidence { get; init; } = 0.6;

    public string? FeedbackToken { get; init; }

    /// <summary>The manifest model used as HaluGate's span detector; null keeps the lexical detector.</summary>
    public string? DetectorModel { get; init; }

    /// <summary>Hallucinated-class probability at which a detector model flags an answer token.</summary>
    public double DetectorThreshold { get; init; } = 0.5;

    /// <param name="underFunctionsHost">The isolated worker under the Functions host, whose queue triggers replace the pollers.</param>
    public static AsyncSettings FromSettings(Func<string, string?> setting, bool underFunctionsHost = false)
    {
        var pollers = (setting(PollersSetting) ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" or "" => !underFunctionsHost,
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            var other => throw new InvalidOperationException($"{PollersSetting} must be auto, true or false, not '{other}'."),
        };
        var d = new AsyncSettings();
        return new AsyncSettings
        {
            RunPollers = pollers,
            RatingsRefresh = TimeSpan.FromSeconds(Number(setting, RatingsRefreshSetting, 0.1, 3600) ?? d.RatingsRefresh.TotalSeconds),
            DedupeWindow = (int)(Number(setting, DedupeWindowSetting, 64, 1_000_000) ?? d.DedupeWindow),
            AttributionCapacity = (int)(Number(setting, AttributionCapacitySetting, 0, 10_000_000) ?? d.AttributionCapacity),
            MinConfidence = Number(setting, MinConfidenceSetting, 0, 1) ?? d.MinConfidence,
            FeedbackToken = setting(Feedback.FeedbackTokenAuthenticator.SettingName),
            DetectorModel = DetectorModelName(setting(DetectorModelSetting)),
            DetectorThreshold = Number(setting, DetectorThresholdSetting, 0.01, 0.99) ?? d.DetectorThreshold,
        };
    }

    private static string? DetectorModelName(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var name = raw.Trim();
        return Storage.ModelStore.ModelManifestJson.IsModelName(name)
            ? name
            : throw new InvalidOperationException($"{DetectorModelSetting} must name a model of models/manifest.json (1-64 of a-z, 0-9, '.', '_', '-'), not '{(name.Length > 64 ? name[..64] + "..." : name)}'.");
    }

    private static double? Number(Func<string, string?> setting, string name, double min, double max)
    {
        var raw = setting(name);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new InvalidOperationException($"{name} must be a number between {min} and {max}.");
    }
}
