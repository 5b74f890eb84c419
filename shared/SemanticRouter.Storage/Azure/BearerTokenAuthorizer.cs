using Azure.Core;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Microsoft Entra ID tokens (managed identity, DefaultAzureCredential) for the storage scope,
/// cached and refreshed five minutes before they expire. Tokens are only sent over HTTPS, or to a
/// loopback address (local test servers), so a misconfigured http:// endpoint cannot leak them.
/// </summary>
internal sealed class BearerTokenAuthorizer(TokenCredential credential, TimeProvider timeProvider) : IStorageAuthorizer
{
    public const string StorageScope = "https://storage.azure.com/.default";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            throw new InvalidOperationException($"Refusing to send a bearer token over plain HTTP to {uri.Host}; use an https:// storage endpoint.");
        }

        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && cached.ExpiresOn - RefreshMargin > timeProvider.GetUtcNow())
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && again.ExpiresOn - RefreshMargin > timeProvider.GetUtcNow())
            {
                return again.Token;
            }

            var fresh = await credential.GetTokenAsync(new TokenRequestContext([StorageScope]), cancellationToken).ConfigureAwait(false);
            _token = fresh;
            return fresh.Token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
