using System.Text;
using System.Text.Json;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>Writes the custom-handler invocation result with the HTTP output binding <c>res</c>.</summary>
internal static class InvocationResult
{
    public static async Task WriteAsync(HttpContext http, RouterResponse response)
    {
        var body = response.Body;
        if (response.StreamBody is { } stream)
        {
            using var buffer = new MemoryStream();
            await stream(buffer, http.RequestAborted);
            body = buffer.ToArray();
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteStartObject("Outputs");
        w.WriteStartObject("res");
        w.WriteNumber("statusCode", response.StatusCode);
        w.WriteStartObject("headers");
        w.WriteString("Content-Type", response.ContentType);
        foreach (var (name, value) in response.Headers)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WriteString("body", Encoding.UTF8.GetString(body.Span));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("Logs");
        w.WriteEndArray();
        w.WriteNull("ReturnValue");
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }
}
