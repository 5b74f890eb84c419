namespace SemanticRouter.Core.OpenAI;

/// <summary>
/// A failure that becomes an OpenAI-style error response with a definite status, e.g. a client
/// mistake (400) or all backends failing (502/504). Its message is safe to show to clients.
/// </summary>
public sealed class RouterException(int statusCode, string type, string code, string message, string? param = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    public static RouterException BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(400, "invalid_request_error", code, message, param);

    public static RouterException NotFound(string message) => new(404, "not_found_error", "not_found", message);

    public static RouterException TooLarge(string message) => new(413, "invalid_request_error", "request_too_large", message);
}
