using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Signals.Pii;

/// <summary>Restores masked values in a chat.completion answer or in each streamed chat.completion.chunk.</summary>
internal sealed class PiiRestoringInterceptor(PlaceholderRestorer restorer) : IResponseInterceptor
{
    public ValueTask<byte[]?> OnResponseAsync(int statusCode, byte[] body, CancellationToken cancellationToken)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        if (root?["choices"] is not JsonArray choices)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        foreach (var choice in choices)
        {
            if (choice?["message"] is JsonObject message && message["content"] is JsonValue v && v.TryGetValue<string>(out var content))
            {
                message["content"] = restorer.RestoreAll(content);
            }
        }

        return ValueTask.FromResult<byte[]?>(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    public string OnStreamEvent(string data)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            return data;
        }

        if (root?["choices"] is not JsonArray choices)
        {
            return data;
        }

        foreach (var choice in choices)
        {
            if (choice is not JsonObject c)
            {
                continue;
            }

            var index = c["index"] is JsonValue iv && iv.TryGetValue<int>(out var i) ? i : 0;
            var finished = c["finish_reason"] is JsonValue fv && fv.GetValueKind() == JsonValueKind.String;
            if (c["delta"] is JsonObject delta)
            {
                var text = delta["content"] is JsonValue dv && dv.TryGetValue<string>(out var s) ? s : null;
                var output = text is null ? null : restorer.Push(index, text);
                if (finished)
                {
                    output = (output ?? string.Empty) + restorer.Flush(index);
                }

                if (output is not null && (text is not null || output.Length > 0))
                {
                    delta["content"] = output;
                }
            }
        }

        return root.ToJsonString();
    }
}
