using System.Globalization;
using System.Text.Json;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>
/// A queue-trigger invocation from the Functions host: <c>{"Data":{"&lt;binding&gt;":…},"Metadata":{"DequeueCount":"1","Id":"\"…\"",…}}</c>.
/// The host JSON-encodes plain values once more (a message text arrives as a JSON string whose
/// content may itself start with a quote) and sends numbers and ids as strings, so every field is
/// decoded defensively (reference: azure-functions-storage-milvus.md §1.6).
/// </summary>
internal static class QueueInvocation
{
    public static QueueWorkItem? FromPayload(JsonElement payload, string bindingName)
    {
        if (payload.ValueKind != JsonValueKind.Object || !HostPayloadJson.TryGet(payload, "Data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!HostPayloadJson.TryGet(data, bindingName, out var value))
        {
            // Accept any single binding name, so a renamed binding in function.json still works.
            var properties = data.EnumerateObject().ToList();
            if (properties.Count != 1)
            {
                return null;
            }

            value = properties[0].Value;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => Unquote(value.GetString()!),
            JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            return null;
        }

        var id = "unknown";
        long dequeueCount = 1;
        if (HostPayloadJson.TryGet(payload, "Metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (HostPayloadJson.TryGet(metadata, "Id", out var idNode) && idNode.ValueKind == JsonValueKind.String)
            {
                id = Unquote(idNode.GetString()!);
            }

            if (HostPayloadJson.TryGet(metadata, "DequeueCount", out var countNode))
            {
                dequeueCount = countNode.ValueKind switch
                {
                    JsonValueKind.Number when countNode.TryGetInt64(out var n) => n,
                    JsonValueKind.String when long.TryParse(Unquote(countNode.GetString()!), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                    _ => 1,
                };
            }
        }

        return new QueueWorkItem(id, text, dequeueCount);
    }

    /// <summary>Removes one level of JSON string encoding when present (<c>"\"abc\""</c> → <c>abc</c>).</summary>
    internal static string Unquote(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(trimmed, CustomHandlerJsonContext.Default.String) ?? value;
            }
            catch (JsonException)
            {
                return value;
            }
        }

        return value;
    }
}
