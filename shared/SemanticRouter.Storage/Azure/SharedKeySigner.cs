using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Storage SharedKey signing (Blob and Queue, version 2009-09-19 and later). The request must be
/// complete before signing: every header HttpClient will send has to be in the string to sign.
/// </summary>
internal static class SharedKeySigner
{
    public static string Sign(HttpRequestMessage request, string accountName, byte[] accountKey)
    {
        var stringToSign = BuildStringToSign(request, accountName);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));
        return $"SharedKey {accountName}:{signature}";
    }

    public static string BuildStringToSign(HttpRequestMessage request, string accountName)
    {
        var content = request.Content;
        var length = content?.Headers.ContentLength;
        var builder = new StringBuilder(256);
        builder.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        AppendLine(builder, ContentHeader(content, "Content-Encoding"));
        AppendLine(builder, ContentHeader(content, "Content-Language"));

        // Version 2015-02-21 and later sign an empty line for a zero length.
        AppendLine(builder, length is null or 0 ? string.Empty : length.Value.ToString(CultureInfo.InvariantCulture));
        AppendLine(builder, content?.Headers.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : string.Empty);
        AppendLine(builder, content?.Headers.ContentType?.ToString() ?? string.Empty);

        // Date stays empty: every request carries x-ms-date, which is signed with the canonical headers.
        AppendLine(builder, string.Empty);
        AppendLine(builder, RequestHeader(request, "If-Modified-Since"));
        AppendLine(builder, RequestHeader(request, "If-Match"));
        AppendLine(builder, RequestHeader(request, "If-None-Match"));
        AppendLine(builder, RequestHeader(request, "If-Unmodified-Since"));
        AppendLine(builder, RequestHeader(request, "Range"));
        AppendCanonicalHeaders(builder, request);
        AppendCanonicalResource(builder, request.RequestUri ?? throw new InvalidOperationException("request has no URI"), accountName);
        return builder.ToString();
    }

    private static void AppendLine(StringBuilder builder, string value) => builder.Append(value).Append('\n');

    private static string ContentHeader(HttpContent? content, string name) =>
        content is not null && content.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : string.Empty;

    private static string RequestHeader(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : string.Empty;

    private static void AppendCanonicalHeaders(StringBuilder builder, HttpRequestMessage request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Key.ToLowerInvariant(), string.Join(',', header.Value)));
            }
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in headers)
        {
            // The service and the official SDKs trim leading whitespace only; values are otherwise signed as sent.
            builder.Append(name).Append(':').Append(value.TrimStart()).Append('\n');
        }
    }

    private static void AppendCanonicalResource(StringBuilder builder, Uri uri, string accountName)
    {
        // The path is signed as encoded on the wire. With path-style endpoints (Azurite) it already
        // starts with the account, which therefore appears twice — that is what the service expects.
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var values))
            {
                values = [];
                parameters.Add(name, values);
            }

            values.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }
    }
}
