namespace SemanticRouter.Storage.Azure;

/// <summary>Appends a shared access signature to the query string; SAS requests carry no Authorization header.</summary>
internal sealed class SasAuthorizer : IStorageAuthorizer
{
    private readonly string _sas;

    public SasAuthorizer(string sasToken) => _sas = sasToken.TrimStart('?');

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
        request.RequestUri = new Uri(uri.AbsoluteUri + separator + _sas);
        return ValueTask.CompletedTask;
    }
}
