namespace SemanticRouter.Functions.Responses.Store;

/// <summary>
/// Where stored responses live, per tenant: a response is only found with the tenant that made it (the API key's
/// tenant when auth is on). Expired responses are not found.
/// </summary>
internal interface IResponseStore
{
    Task SaveAsync(string tenant, StoredResponse response, CancellationToken cancellationToken);

    Task<StoredResponse?> GetAsync(string tenant, string id, CancellationToken cancellationToken);

    /// <summary>False when there was no such (unexpired) response.</summary>
    Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken);
}
