using System.Net;
using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;

namespace SemanticRouter.Functions.Responses.Store;

/// <summary>
/// Responses in the app's storage account (the one <c>AzureWebJobsStorage</c> names): one JSON blob per response at
/// <c>&lt;container&gt;/t-&lt;tenant hash&gt;/&lt;id&gt;.json</c>, so each tenant has its own prefix and a tenant id never
/// appears in a blob name. Every instance of the app sees the same responses. An expired response reads as absent
/// and is deleted when read; a storage lifecycle rule on the container removes the ones nobody reads again
/// (docs/configuration.md).
/// </summary>
internal sealed class BlobResponseStore(IBlobClient container, TimeProvider time) : IResponseStore
{
    private int _containerReady;

    public async Task SaveAsync(string tenant, StoredResponse response, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        using var content = new MemoryStream(response.ToUtf8());
        await container.UploadAsync(BlobName(tenant, response.Id), content, new BlobUploadOptions { ContentType = "application/json", StoreSha256 = false }, cancellationToken);
    }

    public async Task<StoredResponse?> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        using var buffer = new MemoryStream();
        try
        {
            await container.DownloadToAsync(BlobName(tenant, id), buffer, cancellationToken: cancellationToken);
        }
        catch (StorageRequestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        var stored = StoredResponse.FromUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (stored is null || stored.Id != id)
        {
            return null;
        }

        if (stored.ExpiresAt <= time.GetUtcNow())
        {
            await container.DeleteIfExistsAsync(BlobName(tenant, id), cancellationToken);
            return null;
        }

        return stored;
    }

    public async Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        // Read first: an expired response is as gone for DELETE as for GET.
        if (await GetAsync(tenant, id, cancellationToken) is null)
        {
            return false;
        }

        return await container.DeleteIfExistsAsync(BlobName(tenant, id), cancellationToken);
    }

    /// <summary><c>t-</c> and the first 32 hex digits of the tenant's SHA-256, then the response id.</summary>
    public static string BlobName(string tenant, string id) =>
        "t-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..32] + "/" + id + ".json";

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await container.CreateContainerIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _containerReady, 1);
        }
    }
}
