namespace SemanticRouter.Core.Pipeline;

/// <summary>A host-neutral incoming request: the raw body and the headers (lower-case names).</summary>
public sealed record RouterRequest(ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers);
