using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// Answers a request from a cached completion: the stored JSON body for non-streaming clients, or a
/// proper SSE stream for streaming ones — role chunk, reasoning and content deltas split at word
/// boundaries, tool calls, a finish chunk, a usage chunk when <c>stream_options.include_usage</c>
/// asked for one, then <c>[DONE]</c>.
/// </summary>
internal static class CacheReplay
{
    public const string ResponsePath = "cache";
    public const string HitHeader = "x-vsr-cache-hit";
    public const string SimilarityHeader = "x-vsr-cache-similarity";

    public static RouterResponse Answer(RoutingContext context, byte[] stored, double similarity)
    {
        RouterResponse response;
        if (context.Request.Stream)
        {
            var completion = CachedCompletion.TryParse(stored);
            if (completion is null)
            {
                throw new InvalidOperationException("cached entry is not a replayable completion");
            }

            var includeUsage = context.Request.Body["stream_options"] is JsonObject o && o["include_usage"] is JsonValue v && v.TryGetValue<bool>(out var u) && u;
            var events = Chunks(completion, includeUsage).ToList();
            response = new RouterResponse
            {
                StatusCode = 200,
                ContentType = Sse.ContentType,
                StreamBody = (stream, ct) => Sse.WriteAllAsync(stream, events, ct),
            };
        }
        else
        {
            response = RouterResponse.Json(200, stored);
        }

        response.Headers[HitHeader] = "true";
        response.Headers[VsrHeaders.ResponsePath] = ResponsePath;
        if (context.Debug)
        {
            response.Headers[SimilarityHeader] = similarity.ToString("0.0000", CultureInfo.InvariantCulture);
        }

        return response;
    }

    internal static IEnumerable<string> Chunks(CachedCompletion c, bool includeUsage)
    {
        yield return Chunk(c, w =>
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", string.Empty);
        }, finishReason: null);

        if (c.Reasoning is { } reasoning)
        {
            foreach (var piece in Words(reasoning))
            {
                yield return Chunk(c, w => w.WriteString("reasoning_content", piece), null);
            }
        }

        if (c.Content is { } content)
        {
            foreach (var piece in Words(content))
            {
                yield return Chunk(c, w => w.WriteString("content", piece), null);
            }
        }

        if (c.ToolCalls is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                var call = tools[i]!.AsObject();
                var index = i;
                yield return Chunk(c, w =>
                {
                    w.WriteStartArray("tool_calls");
                    w.WriteStartObject();
                    w.WriteNumber("index", index);
                    foreach (var (name, value) in call)
                    {
                        if (name == "index")
                        {
                            continue;
                        }

                        w.WritePropertyName(name);
                        if (value is null)
                        {
                            w.WriteNullValue();
                        }
                        else
                        {
                            value.WriteTo(w);
                        }
                    }

                    w.WriteEndObject();
                    w.WriteEndArray();
                }, null);
            }
        }

        yield return Chunk(c, _ => { }, c.FinishReason);

        if (includeUsage && c.Usage is { } usage)
        {
            yield return Write(c, w =>
            {
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WritePropertyName("usage");
                usage.WriteTo(w);
            });
        }
    }

    /// <summary>Splits text before each space, so concatenating the pieces gives the text back exactly.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf(' ', start + 1);
            end = end < 0 ? text.Length : end;
            yield return text[start..end];
            start = end;
        }
    }

    private static string Chunk(CachedCompletion c, Action<Utf8JsonWriter> delta, string? finishReason) => Write(c, w =>
    {
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
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
    });

    private static string Write(CachedCompletion c, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream(192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", c.Created);
            w.WriteString("model", c.Model);
            if (c.SystemFingerprint is not null)
            {
                w.WriteString("system_fingerprint", c.SystemFingerprint);
            }

            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
