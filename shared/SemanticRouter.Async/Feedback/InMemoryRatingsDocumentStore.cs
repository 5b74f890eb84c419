using System.Text.Json;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// The standalone store without storage: the same compare-and-swap contract as the blob (a
/// version counter as ETag, documents kept serialized so readers never share mutable state).
/// Ratings last as long as the process.
/// </summary>
internal sealed class InMemoryRatingsDocumentStore : IRatingsDocumentStore
{
    private readonly Lock _gate = new();
    private byte[]? _json;
    private long _version;

    public Task<(RatingsDocument Document, string? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_json is null
                ? (new RatingsDocument(), (string?)null)
                : (JsonSerializer.Deserialize(_json, AsyncJsonContext.Default.RatingsDocument)!, (string?)ETag(_version)));
        }
    }

    public Task<bool> TryWriteAsync(RatingsDocument document, string? etag, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document, AsyncJsonContext.Default.RatingsDocument);
        lock (_gate)
        {
            var current = _json is null ? null : ETag(_version);
            if (!string.Equals(current, etag, StringComparison.Ordinal))
            {
                return Task.FromResult(false);
            }

            _json = json;
            _version++;
            return Task.FromResult(true);
        }
    }

    private static string ETag(long version) => "\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}
