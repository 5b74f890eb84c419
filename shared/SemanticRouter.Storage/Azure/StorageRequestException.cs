using System.Net;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// The one error type every storage operation surfaces: the HTTP status (null when no response
/// arrived), the service's <c>x-ms-error-code</c> and the request id to quote to Azure support.
/// The message names the method and path only, never the query string, which can carry a SAS signature.
/// </summary>
public sealed class StorageRequestException : Exception
{
    public StorageRequestException(string message)
        : base(message)
    {
    }

    public StorageRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRequestException()
    {
    }

    internal StorageRequestException(string method, string path, HttpStatusCode? status, string? errorCode, string? requestId, string? detail, Exception? inner = null)
        : base(Describe(method, path, status, errorCode, requestId, detail), inner)
    {
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
        NoResponse = status is null;
    }

    /// <summary>HTTP status of the failed response; null when the request never got one (connection refused, reset, timeout).</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>Service error code, e.g. <c>BlobNotFound</c>, <c>PopReceiptMismatch</c>, <c>AuthorizationFailure</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's <c>x-ms-request-id</c>.</summary>
    public string? RequestId { get; }

    /// <summary>True when the request never got a response (connection refused or reset, timeout).</summary>
    public bool NoResponse { get; }

    /// <summary>True for failures worth retrying: no response, 408, 429 and 5xx.</summary>
    public bool IsTransient => NoResponse || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int?)Status >= 500;

    private static string Describe(string method, string path, HttpStatusCode? status, string? errorCode, string? requestId, string? detail)
    {
        var what = status is null ? "no response" : $"{(int)status.Value} {errorCode ?? status.Value.ToString()}";
        var id = requestId is null ? string.Empty : $" (request id {requestId})";
        var more = string.IsNullOrEmpty(detail) ? string.Empty : $": {detail}";
        return $"Storage request {method} {path} failed with {what}{id}{more}";
    }
}
