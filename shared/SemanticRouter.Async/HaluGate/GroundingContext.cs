using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Where grounding context comes from in a chat request: the content of <c>tool</c> (and legacy
/// <c>function</c>) messages, and a top-level <c>context</c> field (a string, an array of strings,
/// or an array of objects with <c>text</c>/<c>content</c>) as RAG clients send it.
/// </summary>
internal static class GroundingContext
{
    public const string FieldName = "context";

    public static string Extract(ChatRequest request)
    {
        var sb = new StringBuilder();
        foreach (var m in request.Messages)
        {
            if (m.Role is "tool" or "function" && m.Text.Length > 0)
            {
                Append(sb, m.Text);
            }
        }

        if (request.Body[FieldName] is { } field)
        {
            AppendNode(sb, field);
        }

        return sb.ToString();
    }

    private static void AppendNode(StringBuilder sb, JsonNode node)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                Append(sb, s);
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        AppendNode(sb, item);
                    }
                }

                break;
            case JsonObject o:
                foreach (var key in (string[])["text", "content", "page_content"])
                {
                    if (o[key] is JsonValue t && t.TryGetValue<string>(out var text))
                    {
                        Append(sb, text);
                        break;
                    }
                }

                break;
        }
    }

    private static void Append(StringBuilder sb, string text)
    {
        if (sb.Length > 0)
        {
            sb.Append("\n\n");
        }

        sb.Append(text);
    }
}
