using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Responses.Store;

/// <summary>
/// One stored response: the <c>response</c> object <c>GET</c> returns, and the conversation up to and including its
/// answer as chat messages (instructions excluded: OpenAI does not carry them over), which a follow-up with
/// <c>previous_response_id</c> prepends to its input. Stored as one UTF-8 JSON document.
/// </summary>
internal sealed record StoredResponse(string Id, DateTimeOffset ExpiresAt, JsonObject Response, JsonArray Conversation)
{
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["id"] = Id,
        ["expires_at"] = ExpiresAt.ToUnixTimeSeconds(),
        ["response"] = Response.DeepClone(),
        ["conversation"] = Conversation.DeepClone(),
    }.ToJsonString());

    /// <summary>Reads a stored document; null when it is not one (a blob written by something else).</summary>
    public static StoredResponse? FromUtf8(ReadOnlySpan<byte> utf8)
    {
        try
        {
            if (JsonNode.Parse(utf8) is JsonObject o && o["id"] is JsonValue id && id.TryGetValue<string>(out var idText)
                && o["expires_at"] is JsonValue e && e.TryGetValue<long>(out var expires)
                && o["response"] is JsonObject response && o["conversation"] is JsonArray conversation)
            {
                return new StoredResponse(idText, DateTimeOffset.FromUnixTimeSeconds(expires), response, conversation);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
