using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// Rebuilds the complete answer from <c>chat.completion.chunk</c> payloads as they pass to the
/// client: content and <c>reasoning_content</c> deltas are concatenated, tool-call deltas merged by
/// index (id, name, argument fragments), and the finish reason and usage kept. Streams with several
/// choices, error events or more than <see cref="MaxChars"/> of text are marked uncacheable.
/// </summary>
internal sealed class StreamAccumulator
{
    public const int MaxChars = 4 * 1024 * 1024;

    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private readonly SortedDictionary<int, ToolCallParts> _tools = [];
    private string? _id;
    private string? _model;
    private long _created;
    private string? _finish;
    private string? _fingerprint;
    private JsonObject? _usage;
    private bool _sawContent;

    public bool Broken { get; private set; }

    public void Add(string data)
    {
        if (Broken)
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _))
            {
                Broken = true;
                return;
            }

            _id ??= Str(root, "id");
            _model ??= Str(root, "model");
            _fingerprint ??= Str(root, "system_fingerprint");
            if (_created == 0 && root.TryGetProperty("created", out var created) && created.TryGetInt64(out var c))
            {
                _created = c;
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                _usage = JsonNode.Parse(usage.GetRawText()) as JsonObject;
            }

            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("index", out var index) && index.GetInt32() != 0)
                {
                    Broken = true;
                    return;
                }

                if (Str(choice, "finish_reason") is { } finish)
                {
                    _finish = finish;
                }

                if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (Str(delta, "content") is { } text)
                {
                    _sawContent = true;
                    _content.Append(text);
                }

                if ((Str(delta, "reasoning_content") ?? Str(delta, "reasoning")) is { } reasoning)
                {
                    _reasoning.Append(reasoning);
                }

                if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        MergeToolCall(call);
                    }
                }
            }

            if (_content.Length + _reasoning.Length > MaxChars)
            {
                Broken = true;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            Broken = true;
        }
    }

    /// <summary>The assembled answer, or null when the stream is not a complete, cacheable one.</summary>
    public CachedCompletion? Complete()
    {
        if (Broken || !CachedCompletion.IsCacheableFinish(_finish) || (!_sawContent && _tools.Count == 0 && _reasoning.Length == 0))
        {
            return null;
        }

        JsonArray? tools = null;
        if (_tools.Count > 0)
        {
            tools = [];
            foreach (var (index, t) in _tools)
            {
                tools.Add(new JsonObject
                {
                    ["index"] = index,
                    ["id"] = t.Id,
                    ["type"] = t.Type ?? "function",
                    ["function"] = new JsonObject { ["name"] = t.Name.ToString(), ["arguments"] = t.Arguments.ToString() },
                });
            }
        }

        return new CachedCompletion(
            _id ?? "chatcmpl-cache",
            _model ?? string.Empty,
            _created,
            _sawContent ? _content.ToString() : null,
            _reasoning.Length > 0 ? _reasoning.ToString() : null,
            tools,
            _finish!,
            _usage,
            _fingerprint);
    }

    private void MergeToolCall(JsonElement call)
    {
        var index = call.TryGetProperty("index", out var i) ? i.GetInt32() : 0;
        if (!_tools.TryGetValue(index, out var parts))
        {
            parts = new ToolCallParts();
            _tools[index] = parts;
        }

        parts.Id ??= Str(call, "id");
        parts.Type ??= Str(call, "type");
        if (call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            parts.Name.Append(Str(f, "name"));
            parts.Arguments.Append(Str(f, "arguments"));
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed class ToolCallParts
    {
        public string? Id { get; set; }

        public string? Type { get; set; }

        public StringBuilder Name { get; } = new();

        public StringBuilder Arguments { get; } = new();
    }
}
