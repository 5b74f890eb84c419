namespace SemanticRouter.Core.Pipeline;

/// <summary>
/// What the pipeline answers, independent of the host: a status, headers and either a buffered
/// body or a streaming writer (SSE). The ASP.NET host streams it; the Functions default-mode
/// host buffers it into <c>Outputs.res</c>.
/// </summary>
public sealed class RouterResponse
{
    public required int StatusCode { get; init; }

    // Sized for the routing headers every routed answer carries, so adding them never regrows the map.
    public Dictionary<string, string> Headers { get; } = new(8, StringComparer.OrdinalIgnoreCase);

    public string ContentType { get; init; } = "application/json";

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>When set, the body is produced by writing to the client stream (flushing as it goes).</summary>
    public Func<Stream, CancellationToken, Task>? StreamBody { get; init; }

    public static RouterResponse Json(int status, ReadOnlyMemory<byte> body) => new() { StatusCode = status, Body = body };
}
