namespace SemanticRouter.Core.Plugins;

/// <summary>
/// Sees one request's answer. Non-streaming answers arrive whole (before headers are sent, so
/// response headers may still be added); streaming answers arrive one SSE <c>data:</c> payload at a
/// time as they pass to the client, then a completion call that says whether the stream ended
/// cleanly with <c>[DONE]</c>.
/// </summary>
public interface IResponseInterceptor
{
    /// <summary>A complete 2xx JSON answer; return a replacement body or null to keep it.</summary>
    ValueTask<byte[]?> OnResponseAsync(int statusCode, byte[] body, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);

    /// <summary>One SSE data payload (JSON chunk text, not <c>[DONE]</c>); return the text to send on.</summary>
    string OnStreamEvent(string data) => data;

    /// <summary>
    /// The stream ended; <paramref name="completed"/> is false for aborted or failed streams. For a complete stream it is
    /// called when the upstream's <c>[DONE]</c> arrives, before the client is sent <c>[DONE]</c>.
    /// </summary>
    ValueTask OnStreamEndAsync(bool completed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// No answer will reach this interceptor: the backend answered with an error status, the upstream
    /// call failed, or a later plugin answered the request. Lets interceptors release per-request
    /// state (e.g. the cache's single-flight waiters) without a timeout.
    /// </summary>
    void OnAbandoned()
    {
    }
}
