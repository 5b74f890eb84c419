using SemanticRouter.Core.Config;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Functions.Responses.Store;

/// <summary>
/// <c>global.stores.responses</c>: where <c>POST /v1/responses</c> keeps responses made with <c>store: true</c> (for
/// <c>previous_response_id</c>, <c>GET</c> and <c>DELETE</c>). <c>memory</c> is bounded by entry count, total bytes and
/// age; <c>blob</c> keeps one blob per response in the app's storage account, bounded by age. The default is
/// <c>blob</c> when a storage account is configured (<c>AzureWebJobsStorage</c>), else <c>memory</c>.
/// </summary>
internal sealed record ResponseStoreSettings(string BackendType, int MaxEntries, long MaxBytes, TimeSpan Ttl, string Container)
{
    public const string SectionPath = "stores.responses";

    public static ResponseStoreSettings Default { get; } = new("memory", 1000, 64L * 1024 * 1024, TimeSpan.FromDays(1), "responses");

    public static ResponseStoreSettings From(RouterConfig config) =>
        config.Global.Extensions.TryGetValue(SectionPath, out var s) && s is ResponseStoreSettings settings ? settings : Default;

    /// <summary>Binds the section; <paramref name="environment"/> tells whether a storage account is configured.</summary>
    internal sealed class Binder(Func<string, string?> environment) : IGlobalSectionBinder
    {
        public string Path => SectionPath;

        public object? Bind(ConfigNode section)
        {
            var d = Default;
            var hasAccount = StorageSettings.IsConfigured(environment);
            if (!section.Exists)
            {
                return d with { BackendType = hasAccount ? "blob" : "memory" };
            }

            section.CheckKeys("backend_type", "max_entries", "max_bytes", "ttl_seconds", "container");
            var backend = section.Enum("backend_type", "memory", "blob") ?? (hasAccount ? "blob" : "memory");
            if (backend == "blob" && !hasAccount)
            {
                section["backend_type"].Error($"is blob but no storage account is configured (set {StorageSettings.DefaultConnectionName} or its identity-based settings)");
            }

            var container = section.StringOr("container", d.Container);
            if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || container.StartsWith('-') || container.EndsWith('-') || container.Contains("--", StringComparison.Ordinal))
            {
                section["container"].Error("must be a blob container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
            }

            return new ResponseStoreSettings(
                backend,
                section.Int("max_entries", 1, 10_000_000) ?? d.MaxEntries,
                (long?)section.Double("max_bytes", 1024, 64d * 1024 * 1024 * 1024) ?? d.MaxBytes,
                TimeSpan.FromSeconds(section.Int("ttl_seconds", 60, 365 * 24 * 3600) ?? (int)d.Ttl.TotalSeconds),
                container);
        }
    }
}
