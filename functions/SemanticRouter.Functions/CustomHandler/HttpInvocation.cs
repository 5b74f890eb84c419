using System.Text;
using System.Text.Json;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>
/// The HTTP request inside a custom-handler invocation payload (<c>Data.&lt;trigger&gt;</c>), with the route
/// parameters the host matched (<c>Params</c>, e.g. <c>{"id":"req-1"}</c> for <c>api/v1/audits/{id}</c>).
/// </summary>
internal sealed record HttpInvocation(string Method, RouterRequest Request, IReadOnlyDictionary<string, string> Params)
{
    private const int MaxParams = 16;
    private const int MaxParamNameLength = 64;
    private const int MaxParamValueLength = 1024;

    public static HttpInvocation? FromPayload(JsonElement payload)
    {
        if (!HostPayloadJson.TryGet(payload, "Data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in data.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.String)
            {
                // The host may hand a trigger value over as JSON text; decode it once.
                try
                {
                    value = JsonDocument.Parse(value.GetString()!).RootElement;
                }
                catch (JsonException)
                {
                    continue;
                }
            }

            if (value.ValueKind == JsonValueKind.Object && HostPayloadJson.TryGet(value, "Method", out var method) && method.ValueKind == JsonValueKind.String)
            {
                return new HttpInvocation(method.GetString()!, new RouterRequest(Body(value), Headers(value)), RouteParams(value));
            }
        }

        return null;
    }

    /// <summary>Route parameters as strings; bounded, since the payload comes over the wire like any request.</summary>
    private static Dictionary<string, string> RouteParams(JsonElement req)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (HostPayloadJson.TryGet(req, "Params", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in p.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null && values.Count < MaxParams && property.Name.Length <= MaxParamNameLength && value.Length <= MaxParamValueLength)
                {
                    values[property.Name] = value;
                }
            }
        }

        return values;
    }

    private static Dictionary<string, string> Headers(JsonElement req)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (HostPayloadJson.TryGet(req, "Headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
            {
                headers[p.Name.ToLowerInvariant()] = p.Value.ValueKind switch
                {
                    JsonValueKind.Array => string.Join(", ", p.Value.EnumerateArray().Select(v => v.ToString())),
                    _ => p.Value.ToString(),
                };
            }
        }

        return headers;
    }

    private static ReadOnlyMemory<byte> Body(JsonElement req)
    {
        if (!HostPayloadJson.TryGet(req, "Body", out var body))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return body.ValueKind switch
        {
            JsonValueKind.String => Encoding.UTF8.GetBytes(body.GetString()!),
            JsonValueKind.Null or JsonValueKind.Undefined => ReadOnlyMemory<byte>.Empty,
            _ => Encoding.UTF8.GetBytes(body.GetRawText()),
        };
    }
}
