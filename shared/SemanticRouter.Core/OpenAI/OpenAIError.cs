using System.Text.Json;

namespace SemanticRouter.Core.OpenAI;

/// <summary>Writes the OpenAI error body <c>{"error":{"message","type","code","param"}}</c>.</summary>
public static class OpenAIError
{
    public static byte[] Body(string message, string type, string code, string? param = null)
    {
        using var buffer = new MemoryStream(128 + message.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteString("code", code);
            if (param is null)
            {
                w.WriteNull("param");
            }
            else
            {
                w.WriteString("param", param);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] Body(RouterException e) => Body(e.Message, e.Type, e.Code, e.Param);
}
