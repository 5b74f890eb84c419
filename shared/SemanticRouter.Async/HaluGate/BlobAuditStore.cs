using System.Net;
using System.Text.Json;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;

namespace SemanticRouter.Async.HaluGate;

/// <summary>One JSON blob per request id (<c>halugate-audits/&lt;id&gt;.json</c>), written with <c>If-None-Match: *</c>.</summary>
internal sealed class BlobAuditStore(IBlobClient container) : IAuditStore
{
    private int _containerReady;

    public async Task<AuditResult?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(requestId))
        {
            return null;
        }

        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        try
        {
            await container.DownloadToAsync(BlobName(requestId), buffer, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), AsyncJsonContext.Default.AuditResult);
    }

    public async Task<bool> TryAddAsync(AuditResult result, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result, AsyncJsonContext.Default.AuditResult));
        try
        {
            await container.UploadAsync(BlobName(result.RequestId), content, new BlobUploadOptions { ContentType = "application/json", Overwrite = false, StoreSha256 = false }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException e) when (e.Status == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    private static string BlobName(string requestId) => requestId + ".json";

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await container.CreateContainerIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _containerReady, 1);
        }
    }
}
