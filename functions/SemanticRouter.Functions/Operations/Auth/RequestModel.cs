using System.Text.Json;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>Reads only the top-level <c>model</c> of a JSON body, for the per-key model allow-list.</summary>
internal static class RequestModel
{
    public static string? Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The endpoint reports malformed JSON itself.
        }

        return null;
    }
}
