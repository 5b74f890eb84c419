using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Testing;

/// <summary>One request as <see cref="LoopbackBackend.AnswerText"/> sees it, to choose the answer from.</summary>
/// <param name="Number">The request's number on this backend, from 1 (see <see cref="LoopbackBackend.Calls"/>).</param>
/// <param name="Model">The <c>model</c> the request named (<c>unknown</c> when none).</param>
/// <param name="Body">The request body, or null when it was not a JSON object.</param>
public sealed record ChatCall(int Number, string Model, JsonObject? Body)
{
    /// <summary>The text of the last <c>user</c> message (text parts joined), or an empty string when there is none.</summary>
    public string LastUserText
    {
        get
        {
            var last = (Body?["messages"] as JsonArray)?.LastOrDefault(m => m?["role"]?.GetValueKind() == JsonValueKind.String && m["role"]!.GetValue<string>() == "user");
            return last?["content"] switch
            {
                JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
                JsonArray parts => parts.Aggregate(new StringBuilder(), (sb, p) => sb.Append(p?["text"]?.GetValue<string>())).ToString(),
                _ => string.Empty,
            };
        }
    }
}
