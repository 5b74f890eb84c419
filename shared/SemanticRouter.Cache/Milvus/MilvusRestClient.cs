using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SemanticRouter.Cache.Milvus;

/// <summary>
/// Milvus RESTful API v2 over <see cref="HttpClient"/>: every call is a JSON <c>POST</c> to
/// <c>/v2/vectordb/…</c> answered by <c>{"code":0,"data":…}</c>; business errors come back as HTTP
/// 200 with a non-zero <c>code</c>, so the code is always checked. Int64 values are requested as
/// numbers (<c>Accept-Type-Allow-Int64</c>) but parsed from strings too.
/// </summary>
internal sealed class MilvusRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _database;

    public MilvusRestClient(Uri baseUri, string? token, string? database, TimeSpan timeout, HttpMessageHandler handler)
    {
        _database = database;
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseUri, Timeout = timeout };
        _http.DefaultRequestHeaders.Add("Accept-Type-Allow-Int64", "true");
        _http.DefaultRequestHeaders.Add("Request-Timeout", Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Posts to <c>/v2/vectordb/{path}</c> and returns <c>data</c> (cloned; may be undefined for empty answers).</summary>
    public async Task<JsonElement> PostAsync(string path, Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (_database is not null)
            {
                w.WriteString("dbName", _database);
            }

            writeBody(w);
            w.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri("v2/vectordb/" + path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new MilvusException(-1, "response is not JSON", (int)response.StatusCode);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var code = root.TryGetProperty("code", out var c) ? ReadInt64(c) : -1;
            if (!response.IsSuccessStatusCode || code != 0)
            {
                var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unknown error";
                throw new MilvusException((int)code, message, (int)response.StatusCode);
            }

            return root.TryGetProperty("data", out var data) ? data.Clone() : default;
        }
    }

    /// <summary>Reads an Int64 that the server may send as a number or, for JavaScript safety, as a string.</summary>
    public static long ReadInt64(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetInt64(),
        JsonValueKind.String when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new MilvusException(-1, "expected an integer"),
    };

    public void Dispose() => _http.Dispose();
}
