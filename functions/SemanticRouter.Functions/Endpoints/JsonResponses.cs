using System.Text.Json;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Small helpers to answer with JSON written by a <see cref="Utf8JsonWriter"/> callback.</summary>
internal static class JsonResponses
{
    public static RouterResponse Write(int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return RouterResponse.Json(status, buffer.ToArray());
    }
}
