using SemanticRouter.Cache.Operations;
using SemanticRouter.Core.Embeddings;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Wires the response cache: one <see cref="ResponseCacheRuntime"/> per process (store, statistics,
/// single flight — it outlives config reloads) and the cache operations endpoints. The cache embeds
/// with whichever <see cref="ITextEmbedder"/> is registered, or the hashing stand-in when none is.
/// </summary>
internal static class CacheServiceCollectionExtensions
{
    public static IServiceCollection AddResponseCache(this IServiceCollection services, RouterHostOptions options)
    {
        services.AddSingleton(sp => new ResponseCacheRuntime(
            sp.GetServices<ITextEmbedder>(),
            options.Environment,
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IRouterFunction, CacheStatsFunction>();
        services.AddSingleton<IRouterFunction, CacheInvalidateFunction>();
        services.AddSingleton<IRouterFunction, CacheFlushFunction>();
        return services;
    }
}
