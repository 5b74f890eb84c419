using System.Security.Cryptography;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// Finds which configured key a request presents. Accepted carriers, in order:
/// <c>Authorization: Bearer</c> (OpenAI SDKs), <c>api-key</c> (Azure OpenAI SDKs), <c>x-api-key</c>,
/// and <c>x-functions-key</c> (Azure Functions keys, so one key works standalone and on Azure).
/// The presented key is hashed and compared with every configured hash in constant time.
/// </summary>
internal static class ApiKeyAuthenticator
{
    public static readonly string[] CredentialHeaders = ["authorization", "api-key", "x-api-key", "x-functions-key"];

    private const int MaxKeyLength = 512;

    public static string? PresentedKey(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.TryGetValue("authorization", out var authorization) && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Bounded(authorization[7..].Trim());
        }

        foreach (var name in (ReadOnlySpan<string>)["api-key", "x-api-key", "x-functions-key"])
        {
            if (headers.TryGetValue(name, out var value) && value.Length > 0)
            {
                return Bounded(value.Trim());
            }
        }

        return null;
    }

    /// <summary>The matching key or null. Every configured key is compared, so timing does not reveal which one matched.</summary>
    public static ApiKey? Match(string presented, IReadOnlyList<ApiKey> keys)
    {
        var hash = ApiKeyHash.Of(presented);
        ApiKey? match = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256) && match is null)
            {
                match = key;
            }
        }

        return match;
    }

    private static string? Bounded(string key) => key.Length is > 0 and <= MaxKeyLength ? key : null;
}
