using System.Text;
using System.Text.Json;

namespace SemanticRouter.Core.Observability;

/// <summary>
/// Token counts from an OpenAI (or Anthropic) <c>usage</c> object: the top-level one of a JSON answer, or the
/// last one in a stream's tail (the final chunk when the client asked for
/// <c>stream_options.include_usage</c>, or a backend that always sends it). Responses API answers count too:
/// <c>input_tokens</c>/<c>output_tokens</c>, top-level or in the <c>response</c> of a <c>response.completed</c> event.
/// </summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens)
{
    /// <summary>
    /// Prompt tokens the backend served from its prompt cache (<c>prompt_tokens_details.cached_tokens</c>, or
    /// <c>input_tokens_details.cached_tokens</c> in a Responses answer); part of <see cref="PromptTokens"/>.
    /// </summary>
    public long CachedPromptTokens { get; init; }

    /// <summary>Reads <c>usage</c> from a chat completion body; only top-level fields are looked at.</summary>
    public static TokenUsage? FromJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    return ReadUsage(ref reader);
                }

                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("response"u8))
                {
                    // A Responses stream event: the usage is the event's response's.
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return null;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("usage"u8))
                        {
                            reader.Read();
                            return ReadUsage(ref reader);
                        }

                        reader.Read();
                        reader.Skip();
                    }

                    return null;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON has no usage to count.
        }

        return null;
    }

    /// <summary>Finds the last SSE <c>data:</c> event carrying a non-null usage in the tail of a stream.</summary>
    public static TokenUsage? FromSseTail(ReadOnlySpan<byte> tail)
    {
        var text = Encoding.UTF8.GetString(tail);
        var lines = text.Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith("data:", StringComparison.Ordinal) || !line.Contains("\"usage\"", StringComparison.Ordinal))
            {
                continue;
            }

            if (FromJson(Encoding.UTF8.GetBytes(line[5..].TrimStart())) is { } usage)
            {
                return usage;
            }
        }

        return null;
    }

    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        long prompt = 0, completion = 0, cached = 0;
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                cached = ReadCachedTokens(ref reader) ?? cached;
                continue;
            }

            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8);
            reader.Read();
            if ((isPrompt || isCompletion) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0)
            {
                found = true;
                if (isPrompt)
                {
                    prompt = n;
                }
                else
                {
                    completion = n;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return found ? new TokenUsage(prompt, completion) { CachedPromptTokens = cached } : null;
    }

    /// <summary>Reads <c>cached_tokens</c> from a usage details object; the reader ends on the object's end.</summary>
    private static long? ReadCachedTokens(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? cached = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCached = reader.ValueTextEquals("cached_tokens"u8);
            reader.Read();
            if (isCached && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0)
            {
                cached = n;
            }
            else
            {
                reader.Skip();
            }
        }

        return cached;
    }
}
