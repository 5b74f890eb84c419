using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>Blob service REST calls for one container (x-ms-version 2025-01-05).</summary>
internal sealed class BlobRestClient(StorageTransport transport, Uri endpoint, string containerName) : IBlobClient
{
    private const int CopyBufferSize = 81920;
    private const int MaxPageSize = 5000;

    public string ContainerName { get; } = containerName;

    public async Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Put, StorageNames.Resource(endpoint, ContainerName, "restype=container"));
        using var response = await transport.SendAsync(request, static s => s == HttpStatusCode.Conflict, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            return true;
        }

        var code = StorageTransport.Header(response, "x-ms-error-code");
        return code is null or "ContainerAlreadyExists"
            ? false
            : throw new StorageRequestException("PUT", request.Uri.AbsolutePath, response.StatusCode, code, StorageTransport.Header(response, "x-ms-request-id"), null);
    }

    public async Task<BlobProperties> UploadAsync(string blobName, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        StorageNames.ValidateBlobName(blobName);
        if (!content.CanSeek)
        {
            throw new ArgumentException("Upload content must be seekable so that a retry can resend it.", nameof(content));
        }

        options ??= new BlobUploadOptions();
        var metadata = new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var start = content.Position;
        var length = content.Length - start;
        var (md5, sha256) = await HashAsync(content, cancellationToken).ConfigureAwait(false);
        if (options.StoreSha256)
        {
            metadata[BlobProperties.Sha256MetadataName] = sha256;
        }

        StorageNames.ValidateMetadata(metadata);
        var request = new StorageRequest(HttpMethod.Put, BlobUri(blobName))
        {
            Content = () =>
            {
                var body = new RewindableStreamContent(content, start, length, options.Progress);
                body.Headers.ContentType = MediaTypeHeaderValue.Parse(options.ContentType);
                body.Headers.ContentMD5 = md5;
                return body;
            },
        };
        request.Header("x-ms-blob-type", "BlockBlob").Header("If-None-Match", options.Overwrite ? null : "*").Header("If-Match", options.IfMatch);
        foreach (var (name, value) in metadata)
        {
            request.Header("x-ms-meta-" + name, value);
        }

        using var response = await StorageTransport.WrapTransportErrors(request, () => transport.TransferPipeline.ExecuteAsync(
            async token => await transport.SendOnceAsync(request, null, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false),
            cancellationToken).AsTask()).ConfigureAwait(false);
        return new BlobProperties(blobName, ETagOf(response), length, options.ContentType, response.Content.Headers.LastModified, md5, metadata);
    }

    public async Task<BlobDownloadResult> DownloadToAsync(string blobName, Stream destination, BlobDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        StorageNames.ValidateBlobName(blobName);
        options ??= new BlobDownloadOptions();
        if (options.Offset < 0 || options.Length is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Offset must be >= 0 and Length > 0.");
        }

        var uri = BlobUri(blobName);
        long written = 0;
        BlobProperties? properties = null;
        long? expected = options.Length;
        var describe = new StorageRequest(HttpMethod.Get, uri);
        return await StorageTransport.WrapTransportErrors(describe, () => transport.TransferPipeline.ExecuteAsync(async token =>
        {
            if (expected is { } total && written >= total)
            {
                return new BlobDownloadResult(false, properties, written);
            }

            // Resume: ask for the bytes not yet written, pinned to the ETag of the first response so a
            // blob replaced mid-download fails (412) instead of mixing two versions.
            var position = options.Offset + written;
            var request = new StorageRequest(HttpMethod.Get, uri)
                .Header("x-ms-range", position > 0 || options.Length is not null ? RangeHeader(position, options.Length is { } l ? options.Offset + l - 1 : null) : null)
                .Header("If-None-Match", properties is null ? options.IfNoneMatch : null)
                .Header("If-Match", properties?.ETag);
            using var response = await transport.SendOnceAsync(request, static s => s == HttpStatusCode.NotModified, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new BlobDownloadResult(true, null, 0);
            }

            if (properties is null)
            {
                properties = ReadProperties(blobName, response);
                expected ??= response.Content.Headers.ContentLength;
            }

            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = new byte[CopyBufferSize];
                int read;
                while ((read = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                    written += read;
                    options.Progress?.Report(read);
                }
            }

            return expected is { } want && written < want
                ? throw new IOException($"Blob body ended after {written} of {want} bytes.")
                : new BlobDownloadResult(false, properties, written);
        }, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(blobName);
        var request = new StorageRequest(HttpMethod.Head, BlobUri(blobName));
        using var response = await transport.SendAsync(request, static s => s == HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : ReadProperties(blobName, response);
    }

    public async Task<BlobListPage> ListPageAsync(string? prefix = null, string? marker = null, int? maxResults = null, CancellationToken cancellationToken = default)
    {
        if (maxResults is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxResults), "1 to 5000 results per page.");
        }

        var query = StorageNames.Query(
            ("restype", "container"),
            ("comp", "list"),
            ("prefix", string.IsNullOrEmpty(prefix) ? null : prefix),
            ("marker", string.IsNullOrEmpty(marker) ? null : marker),
            ("maxresults", maxResults?.ToString(CultureInfo.InvariantCulture)),
            ("include", "metadata"));
        var request = new StorageRequest(HttpMethod.Get, StorageNames.Resource(endpoint, ContainerName, query));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var document = await XDocument.LoadAsync(stream, LoadOptions.None, cancellationToken).ConfigureAwait(false);
            var root = document.Root ?? throw new StorageRequestException("List Blobs returned an empty document.");
            var items = new List<BlobItem>();
            foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
            {
                var props = blob.Element("Properties");
                var etag = props?.Element("Etag")?.Value ?? string.Empty;
                items.Add(new BlobItem(
                    blob.Element("Name")?.Value ?? string.Empty,
                    etag.StartsWith('"') ? etag : $"\"{etag}\"",
                    long.TryParse(props?.Element("Content-Length")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 0,
                    DateTimeOffset.TryParse(props?.Element("Last-Modified")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : null,
                    (blob.Element("Metadata")?.Elements() ?? []).ToDictionary(e => e.Name.LocalName, e => e.Value, StringComparer.OrdinalIgnoreCase)));
            }

            var next = root.Element("NextMarker")?.Value;
            return new BlobListPage(items, string.IsNullOrEmpty(next) ? null : next);
        }
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            var page = await ListPageAsync(prefix, marker, null, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    public async Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(blobName);
        var request = new StorageRequest(HttpMethod.Delete, BlobUri(blobName));
        using var response = await transport.SendAsync(request, static s => s == HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    private Uri BlobUri(string blobName) => StorageNames.Resource(endpoint, ContainerName + "/" + StorageNames.EncodeBlobName(blobName));

    private static string RangeHeader(long from, long? to) =>
        to is { } end ? $"bytes={from}-{end}" : $"bytes={from}-";

    private static async Task<(byte[] Md5, string Sha256)> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        var start = content.Position;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
        }

        content.Position = start;
        return (md5.GetHashAndReset(), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static string ETagOf(HttpResponseMessage response) =>
        StorageTransport.Header(response, "ETag") ?? response.Headers.ETag?.ToString() ?? string.Empty;

    private static BlobProperties ReadProperties(string name, HttpResponseMessage response)
    {
        var headers = response.Content.Headers;
        var length = headers.ContentLength ?? 0;

        // A ranged response reports the range length; the blob's size is after the '/' in Content-Range.
        if (headers.ContentRange?.Length is { } total)
        {
            length = total;
        }

        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Key.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Key["x-ms-meta-".Length..]] = string.Join(',', header.Value);
            }
        }

        // For a range Content-MD5 describes the range; the whole blob's MD5 is x-ms-blob-content-md5.
        var md5 = StorageTransport.Header(response, "x-ms-blob-content-md5") is { } whole ? Convert.FromBase64String(whole) : headers.ContentMD5;
        return new BlobProperties(name, ETagOf(response), length, headers.ContentType?.ToString(), headers.LastModified, md5, metadata);
    }
}
