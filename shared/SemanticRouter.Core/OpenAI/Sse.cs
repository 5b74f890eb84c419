using System.Text;

namespace SemanticRouter.Core.OpenAI;

/// <summary>Server-sent events framing as OpenAI uses it: <c>data: &lt;json&gt;\n\n</c>, ending with <c>data: [DONE]</c>.</summary>
public static class Sse
{
    public const string ContentType = "text/event-stream";

    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task WriteEventAsync(Stream stream, string data, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes("data: " + data + "\n\n");
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Writes a complete router-authored stream and <c>[DONE]</c>, flushing after each event.</summary>
    public static async Task WriteAllAsync(Stream stream, IEnumerable<string> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await WriteEventAsync(stream, e, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        await stream.WriteAsync(Done, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>An error event in the OpenAI shape, sent when a stream fails after it started.</summary>
    public static string ErrorEvent(string message, string type, string code) =>
        Encoding.UTF8.GetString(OpenAIError.Body(message, type, code));
}
