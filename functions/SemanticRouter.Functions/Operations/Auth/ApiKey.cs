namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// One client or admin key as configured: only the SHA-256 of the key is held, plus what the key
/// may do. <see cref="Models"/> empty means every model (auto names included).
/// </summary>
internal sealed record ApiKey(
    string Id,
    byte[] Sha256,
    string Tenant,
    bool IsAdmin,
    IReadOnlyList<string> Models,
    int? RequestsPerMinute,
    long? TokensPerMinute);
