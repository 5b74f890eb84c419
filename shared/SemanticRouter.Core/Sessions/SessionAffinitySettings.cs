using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Sessions;

/// <summary>
/// <c>global.router.session_affinity</c>: whether a conversation keeps the model of its first routed turn, for how
/// long after its last turn, how much more confident a new decision must be to move it, and where the sticky choices
/// live (<c>memory</c>: this instance, bounded; <c>table</c>: Azure Table storage in the app's storage account, shared
/// by every instance). Off by default. The store is chosen when the host starts; a reload changes the other keys.
/// </summary>
public sealed record SessionAffinitySettings(
    bool Enabled,
    TimeSpan Ttl,
    double SwitchMargin,
    string Store,
    int MaxEntries,
    string Table,
    TimeSpan StoreTimeout)
{
    public const string SectionPath = "router.session_affinity";

    public static SessionAffinitySettings Default { get; } = new(false, TimeSpan.FromMinutes(30), 0.05, "memory", 10_000, "routersessions", TimeSpan.FromMilliseconds(1000));

    public static SessionAffinitySettings From(RouterConfig config) =>
        config.Global.Extensions.TryGetValue(SectionPath, out var s) && s is SessionAffinitySettings settings ? settings : Default;

    /// <summary>Binds the section; <paramref name="hasStorageAccount"/> tells whether the app's storage account has a table endpoint (the <c>table</c> store's default and requirement).</summary>
    public sealed class Binder(Func<bool> hasStorageAccount) : IGlobalSectionBinder
    {
        public string Path => SectionPath;

        public object? Bind(ConfigNode section)
        {
            var d = Default;
            if (!section.Exists)
            {
                return d;
            }

            section.CheckKeys("enabled", "ttl_seconds", "switch_margin", "store", "max_entries", "table", "store_timeout_ms");
            var hasAccount = hasStorageAccount();
            var store = section.Enum("store", "memory", "table") ?? (hasAccount ? "table" : "memory");
            if (store == "table" && !hasAccount)
            {
                section["store"].Error("is table but no storage account with a table endpoint is configured (set AzureWebJobsStorage to a connection string, or AzureWebJobsStorage__accountName or __tableServiceUri)");
            }

            var table = section.StringOr("table", d.Table);
            if (table.Length is < 3 or > 63 || !char.IsAsciiLetter(table[0]) || !table.All(char.IsAsciiLetterOrDigit))
            {
                section["table"].Error("must be an Azure table name: 3 to 63 letters and digits, starting with a letter");
            }

            return new SessionAffinitySettings(
                section.Bool("enabled") ?? d.Enabled,
                TimeSpan.FromSeconds(section.Int("ttl_seconds", 1, 30 * 24 * 3600) ?? (int)d.Ttl.TotalSeconds),
                section.Double("switch_margin", 0, 1) ?? d.SwitchMargin,
                store,
                section.Int("max_entries", 1, 10_000_000) ?? d.MaxEntries,
                table,
                TimeSpan.FromMilliseconds(section.Int("store_timeout_ms", 10, 30_000) ?? (int)d.StoreTimeout.TotalMilliseconds));
        }
    }
}
