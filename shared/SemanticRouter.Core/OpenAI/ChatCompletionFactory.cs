using System.Text.Json;

namespace SemanticRouter.Core.OpenAI;

/// <summary>Builds router-authored answers (fast responses, cache replays) in the Chat Completions wire format.</summary>
public static class ChatCompletionFactory
{
    /// <summary>A complete <c>chat.completion</c> object.</summary>
    public static byte[] Completion(string id, string model, string content, string finishReason, long created)
    {
        using var buffer = new MemoryStream(256 + content.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
            w.WriteEndObject();
            w.WriteString("finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", 0);
            w.WriteNumber("completion_tokens", 0);
            w.WriteNumber("total_tokens", 0);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The same answer as <c>chat.completion.chunk</c> payloads: a role chunk, the content split at
    /// word boundaries, and a final chunk with the finish reason (the caller adds <c>[DONE]</c>).
    /// </summary>
    public static IEnumerable<string> Chunks(string id, string model, string content, string finishReason, long created)
    {
        yield return Chunk(id, model, created, role: "assistant", content: string.Empty, finishReason: null);
        var start = 0;
        while (start < content.Length)
        {
            var end = content.IndexOf(' ', start + 1);
            end = end < 0 ? content.Length : end;
            yield return Chunk(id, model, created, role: null, content: content[start..end], finishReason: null);
            start = end;
        }

        yield return Chunk(id, model, created, role: null, content: null, finishReason: finishReason);
    }

    public static string Chunk(string id, string model, long created, string? role, string? content, string? finishReason)
    {
        using var buffer = new MemoryStream(192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (role is not null)
            {
                w.WriteString("role", role);
            }

            if (content is not null)
            {
                w.WriteString("content", content);
            }

            w.WriteEndObject();
            if (finishReason is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finishReason);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
