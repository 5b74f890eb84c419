namespace SemanticRouter.Storage.Azure;

/// <summary>Adds credentials to a fully built request, right before it is sent.</summary>
internal interface IStorageAuthorizer
{
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}
