namespace SemanticRouter.Cache.Keys;

/// <summary>
/// The tenant and user a request belongs to, read from headers that a trusted gateway (APIM, Front
/// Door rules, the router's own auth) sets after authenticating the caller and strips from client
/// input. The cache trusts them as given; without them every request lands in one anonymous tenant.
/// </summary>
public static class TrustedIdentity
{
    public const string TenantHeader = "x-authz-tenant-id";
    public const string UserHeader = "x-authz-user-id";

    /// <summary>Identifiers longer than this are hashed into the key anyway; the bound keeps stored metadata small.</summary>
    public const int MaxLength = 256;

    public static string Tenant(IReadOnlyDictionary<string, string> headers) => Read(headers, TenantHeader);

    public static string User(IReadOnlyDictionary<string, string> headers) => Read(headers, UserHeader);

    private static string Read(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out var value) ? (value.Length > MaxLength ? value[..MaxLength] : value.Trim()) : string.Empty;
}
