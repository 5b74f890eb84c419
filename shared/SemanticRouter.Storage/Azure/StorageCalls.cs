using System.Net;
using Azure;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Runs one SDK call and turns what is left after the SDK's retries into <see cref="StorageRequestException"/>, the
/// one storage error type of this library (the in-memory queue throws it too, so callers handle one type).
/// </summary>
internal static class StorageCalls
{
    public static async Task<T> RunAsync<T>(string method, string resource, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, method, resource);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The SDK reports exhausted retries of failures without a response as all attempts' exceptions.
            var last = e.InnerExceptions[^1];
            throw last is RequestFailedException failed
                ? Translate(failed, method, resource)
                : new StorageRequestException(method, resource, null, null, null, last.Message, last);
        }
    }

    public static async Task RunAsync(string method, string resource, Func<Task> call) =>
        await RunAsync<bool>(method, resource, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private static StorageRequestException Translate(RequestFailedException e, string method, string resource)
    {
        if (e.Status == 0)
        {
            // No response arrived (connection refused or reset, timeout): the transport's own exception is the cause.
            var cause = e.InnerException ?? e;
            return new StorageRequestException(method, resource, null, null, null, cause.Message, cause);
        }

        string? requestId = null;
        e.GetRawResponse()?.Headers.TryGetValue("x-ms-request-id", out requestId);

        // The SDK's message lists headers after the service's sentence; keep the sentence (never the query string).
        var detail = e.Message.Split('\n')[0].Trim();
        return new StorageRequestException(method, resource, (HttpStatusCode)e.Status, e.ErrorCode, requestId, detail, e);
    }
}
