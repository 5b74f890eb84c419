namespace SemanticRouter.Storage.Azure;

/// <summary>Signs each request with the account key (connection strings with AccountKey, Azurite).</summary>
internal sealed class SharedKeyAuthorizer(string accountName, byte[] accountKey) : IStorageAuthorizer
{
    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("Authorization", SharedKeySigner.Sign(request, accountName, accountKey));
        return ValueTask.CompletedTask;
    }
}
