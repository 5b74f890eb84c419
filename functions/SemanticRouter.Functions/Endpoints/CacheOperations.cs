using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Storage;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Shared body of the invalidate and flush endpoints: remove, answer with the count, map store outages to 503.</summary>
internal static class CacheOperations
{
    public static async Task<RouterResponse> RemoveAsync(ResponseCacheRuntime runtime, CacheInvalidation filter, CancellationToken cancellationToken)
    {
        var store = runtime.CurrentStore;
        long removed = 0;
        if (store is not null)
        {
            try
            {
                removed = await store.InvalidateAsync(filter, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return RouterPipeline.Error(new RouterException(503, "server_error", "cache_store_unavailable", "The cache store could not be reached; nothing was removed."));
            }
        }

        return JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("backend", store?.Backend);
            w.WriteNumber("removed", removed);
            w.WriteEndObject();
        });
    }
}
