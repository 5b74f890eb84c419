namespace SemanticRouter.Cache.Milvus;

/// <summary>A Milvus REST v2 call that answered with a non-zero <c>code</c> or a non-200 status.</summary>
internal sealed class MilvusException(int code, string message, int httpStatus = 200)
    : Exception($"Milvus error {code} (HTTP {httpStatus}): {message}")
{
    public int Code { get; } = code;

    public int HttpStatus { get; } = httpStatus;
}
