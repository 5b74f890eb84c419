using System.Text.Json;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>
/// Property lookup for the Functions host's invocation payloads, which Newtonsoft writes with
/// case-insensitive keys (<c>Data</c>/<c>data</c>, <c>Metadata</c>, <c>DequeueCount</c>…).
/// </summary>
internal static class HostPayloadJson
{
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
