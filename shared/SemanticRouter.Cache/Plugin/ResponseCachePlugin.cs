using Microsoft.Extensions.Logging;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Cache.Storage;
using SemanticRouter.Core.Embeddings;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// <c>response_cache</c>: answers from the cache when an equivalent request was answered before,
/// otherwise lets the request through and stores its complete 2xx answer. Runs where it sits in the
/// decision's plugin list, so plugins before it (e.g. <c>system_prompt</c>) are part of the key.
/// Concurrent identical misses wait for the first one (single flight) instead of all going upstream.
/// </summary>
internal sealed partial class ResponseCachePlugin(
    ResponseCacheSettings settings,
    ResponseCacheGlobalSettings global,
    ResponseCacheRuntime runtime,
    IResponseCacheStore store,
    ITextEmbedder embedder,
    string decision,
    TimeSpan singleFlightWait,
    ILogger logger) : IRoutePlugin
{
    private const string ItemKey = "response_cache.pending";

    private readonly double _threshold = settings.SimilarityThreshold ?? global.SimilarityThreshold;
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(settings.TtlSeconds ?? global.TtlSeconds);
    private readonly DecisionCacheCounters _counters = runtime.Statistics.For(decision);

    public string Type => ResponseCachePluginFactory.TypeName;

    internal ResponseCacheRuntime Runtime => runtime;

    internal IResponseCacheStore Store => store;

    internal DecisionCacheCounters Counters => _counters;

    internal TimeSpan Ttl => _ttl;

    public async ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var text = context.Request.LastUserText;
        if (text.Length == 0)
        {
            return null;
        }

        var control = CacheControl.From(context.Headers);
        var key = CacheKeyBuilder.Build(context, settings.Scope, embedder.ModelName, settings.EntityGuard, settings.ContentGuard);
        var embedding = settings.Mode == CacheMode.Exact ? null : await EmbedAsync(text, cancellationToken).ConfigureAwait(false);
        var leads = false;
        if (control.NoCache)
        {
            _counters.Bypass();
        }
        else
        {
            _counters.Lookup();
            if (await LookupAsync(context, key, embedding, cancellationToken).ConfigureAwait(false) is { } hit)
            {
                return hit;
            }

            if (!control.NoStore)
            {
                var deadline = runtime.Time.GetUtcNow() + singleFlightWait;
                while (true)
                {
                    if (runtime.Flights.TryLead(key.Exact, out var leader))
                    {
                        leads = true;
                        break;
                    }

                    _counters.SingleFlightWait();
                    var remaining = deadline - runtime.Time.GetUtcNow();
                    if (remaining <= TimeSpan.Zero)
                    {
                        break;
                    }

                    try
                    {
                        await leader.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        break;
                    }

                    if (await LookupAsync(context, key, embedding, cancellationToken).ConfigureAwait(false) is { } shared)
                    {
                        return shared;
                    }
                }
            }
        }

        context.ResponseHeaders[CacheReplay.HitHeader] = "false";
        if (!control.NoStore)
        {
            context.Items[ItemKey] = new PendingWrite(key, embedding, leads);
        }

        return null;
    }

    public IResponseInterceptor? CreateResponseInterceptor(RoutingContext context) =>
        context.Items.TryGetValue(ItemKey, out var pending) ? new ResponseCacheInterceptor(this, (PendingWrite)pending) : null;

    internal async ValueTask WriteAsync(PendingWrite pending, byte[] completion)
    {
        try
        {
            await store.WriteAsync(pending.Key, pending.Embedding, completion, _ttl, CancellationToken.None).ConfigureAwait(false);
            _counters.Write();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _counters.Failure();
            LogStoreFailure(logger, "write", decision, e.GetType().Name);
        }
    }

    internal void Release(PendingWrite pending)
    {
        if (pending.LeadsFlight)
        {
            runtime.Flights.Release(pending.Key.Exact);
        }
    }

    private async ValueTask<RouterResponse?> LookupAsync(RoutingContext context, CacheKey key, float[]? embedding, CancellationToken cancellationToken)
    {
        try
        {
            CacheHit? hit = null;
            if (settings.Mode != CacheMode.Semantic)
            {
                hit = await store.FindExactAsync(key, cancellationToken).ConfigureAwait(false);
            }

            if (hit is null && embedding is not null)
            {
                hit = await store.FindSimilarAsync(key, embedding, _threshold, cancellationToken).ConfigureAwait(false);
            }

            if (hit is null)
            {
                return null;
            }

            var response = CacheReplay.Answer(context, hit.Completion, hit.Similarity);
            if (hit.Exact)
            {
                _counters.ExactHit();
            }
            else
            {
                _counters.SemanticHit();
            }

            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The cache must never fail a request: a broken entry or store is a miss.
            _counters.Failure();
            LogStoreFailure(logger, "lookup", decision, e.GetType().Name);
            return null;
        }
    }

    private async ValueTask<float[]?> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            return await embedder.EmbedAsync(text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            _counters.Failure();
            LogStoreFailure(logger, "embed", decision, e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response cache {Operation} failed for decision {Decision} ({Error}); treated as a miss")]
    private static partial void LogStoreFailure(ILogger logger, string operation, string decision, string error);
}
