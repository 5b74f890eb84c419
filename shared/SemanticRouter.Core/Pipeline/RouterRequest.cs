namespace SemanticRouter.Core.Pipeline;

/// <summary>A host-neutral incoming request: the raw body and the headers (lower-case names).</summary>
public sealed record RouterRequest(ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Parameters of the matched route (e.g. <c>id</c> of <c>api/v1/audits/{id}</c>), from the path or the host's invocation payload.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The HTTP method, for functions that serve more than one on a route (<c>GET</c> and <c>DELETE /v1/responses/{id}</c>).</summary>
    public string Method { get; init; } = "POST";
}
