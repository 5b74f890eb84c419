using SemanticRouter.Core.Config;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// <c>global.services.auth</c>: client and admin API keys with per-key tenant, allowed models and
/// rate limits. Keys are given as SHA-256 hex (<c>sha256</c>) or read from an app setting /
/// environment variable (<c>key_env</c>) and hashed at load; plaintext keys never sit in the file.
/// Auth is on when <c>enabled</c> says so, or by default as soon as any key is configured.
/// </summary>
internal sealed record AuthSettings(bool Enabled, IReadOnlyList<ApiKey> Keys)
{
    public const string SectionPath = "services.auth";

    /// <summary>App setting that, when set, adds an admin key without touching the config file.</summary>
    public const string AdminKeySetting = "SEMANTIC_ROUTER_ADMIN_KEY";

    /// <summary>
    /// App setting that, when set, adds a client key (tenant <c>default</c>, every model) without touching the config
    /// file; the Bicep/Terraform deployment sets it, so a deployed router answers only to Bearer keys from the start.
    /// On Azure either setting may be a Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=…)</c>): the platform
    /// resolves it before the router reads it.
    /// </summary>
    public const string ClientKeySetting = "SEMANTIC_ROUTER_API_KEY";

    public static AuthSettings Disabled { get; } = new(false, []);

    public static AuthSettings From(RouterConfig config) =>
        config.Global.Extensions.TryGetValue(SectionPath, out var s) && s is AuthSettings a ? a : Disabled;

    /// <summary>Binds the section; <paramref name="environment"/> resolves <c>key_env</c> names (app settings on Azure).</summary>
    internal sealed class Binder(Func<string, string?> environment) : IGlobalSectionBinder
    {
        public string Path => SectionPath;

        public object? Bind(ConfigNode section)
        {
            var keys = new List<ApiKey>();
            if (environment(AdminKeySetting) is { Length: > 0 } adminFromSetting)
            {
                keys.Add(new ApiKey("admin-setting", ApiKeyHash.Of(adminFromSetting), "admin", true, [], null, null));
            }

            if (environment(ClientKeySetting) is { Length: > 0 } clientFromSetting)
            {
                keys.Add(new ApiKey("client-setting", ApiKeyHash.Of(clientFromSetting), "default", false, [], null, null));
            }

            if (!section.Exists)
            {
                return keys.Count > 0 ? new AuthSettings(true, keys) : Disabled;
            }

            section.CheckKeys("enabled", "keys", "admin_keys");
            foreach (var item in section["keys"].Items())
            {
                if (BindKey(item, admin: false) is { } key)
                {
                    keys.Add(key);
                }
            }

            foreach (var item in section["admin_keys"].Items())
            {
                if (BindKey(item, admin: true) is { } key)
                {
                    keys.Add(key);
                }
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (!ids.Add(key.Id))
                {
                    section.Error("keys", $"key id \"{key.Id}\" is used twice");
                }
            }

            var enabled = section.Bool("enabled") ?? keys.Count > 0;
            if (enabled && keys.Count == 0)
            {
                section.Error("enabled", "auth is enabled but no key is configured (add keys, admin_keys or the " + AdminKeySetting + " / " + ClientKeySetting + " app settings)");
            }

            return new AuthSettings(enabled, keys);
        }

        private ApiKey? BindKey(ConfigNode item, bool admin)
        {
            item.CheckKeys("id", "sha256", "key_env", "tenant", "models", "requests_per_minute", "tokens_per_minute");
            var id = item.String("id", required: true);
            var hex = item.String("sha256");
            var env = item.String("key_env");
            byte[]? hash = null;
            if ((hex is null) == (env is null))
            {
                item.Error("give exactly one of sha256 (hex SHA-256 of the key) or key_env (an app setting holding the key)");
            }
            else if (hex is not null)
            {
                if (ApiKeyHash.TryParseHex(hex, out var parsed))
                {
                    hash = parsed;
                }
                else
                {
                    item["sha256"].Error("expected 64 hex characters (sha256 of the key, e.g. `printf %s \"$KEY\" | sha256sum`)");
                }
            }
            else if (environment(env!) is { Length: > 0 } value)
            {
                hash = ApiKeyHash.Of(value);
            }
            else
            {
                item["key_env"].Error($"app setting / environment variable \"{env}\" is not set");
            }

            var tenant = item.String("tenant") ?? (admin ? "admin" : id);
            if (tenant is not null && (tenant.Length > 128 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                item["tenant"].Error("use 1-128 characters from [A-Za-z0-9._-]");
            }

            var rpm = item.Int("requests_per_minute", 1, 10_000_000);
            var tpm = item.Double("tokens_per_minute", 1, 1e12);
            if (id is null || hash is null || tenant is null)
            {
                return null;
            }

            return new ApiKey(id, hash, tenant, admin, item.StringList("models"), rpm, tpm is null ? null : (long)tpm.Value);
        }
    }
}
