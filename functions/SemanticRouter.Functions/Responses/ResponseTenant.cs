using SemanticRouter.Functions.Operations.Auth;

namespace SemanticRouter.Functions.Responses;

/// <summary>
/// The tenant a stored response belongs to: the API key's tenant when auth is on (the key's, never the client's,
/// see AuthorizedFunction), the trusted gateway's <c>x-authz-tenant-id</c> otherwise, or the anonymous tenant.
/// </summary>
internal static class ResponseTenant
{
    public static string Of(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue(AuthorizedFunction.TenantHeader, out var tenant) && tenant.Length is > 0 and <= 256 ? tenant : string.Empty;
}
