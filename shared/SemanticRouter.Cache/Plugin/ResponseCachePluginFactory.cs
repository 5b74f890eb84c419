using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Cache.Embedding;
using SemanticRouter.Cache.Keys;
using SemanticRouter.Cache.Operations;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// Binds a decision's <c>response_cache</c> block (also spelled <c>semantic-cache</c>,
/// <c>semantic_cache</c>, <c>response-cache</c>). Binding needs no services, so <c>validate</c> runs
/// without a store; <see cref="Create"/> resolves the shared <see cref="ResponseCacheRuntime"/> lazily.
/// </summary>
public sealed class ResponseCachePluginFactory(IServiceProvider services) : IPluginFactory
{
    public const string TypeName = "response_cache";

    public string Type => TypeName;

    public IReadOnlyList<string> Aliases => ["semantic-cache", "semantic_cache", "response-cache"];

    public object? Bind(ConfigNode configuration)
    {
        configuration.CheckKeys("enabled", "mode", "similarity_threshold", "semantic", "ttl_seconds", "scope", "entity_guard", "content_guard");
        var mode = configuration.Enum("mode", "exact", "semantic", "exact_then_semantic") switch
        {
            "exact" => CacheMode.Exact,
            "semantic" => CacheMode.Semantic,
            _ => CacheMode.ExactThenSemantic,
        };

        var semantic = configuration["semantic"];
        semantic.CheckKeys("similarity_threshold");
        var threshold = configuration.Double("similarity_threshold", 0, 1);
        var nested = semantic.Double("similarity_threshold", 0, 1);
        if (threshold is not null && nested is not null && threshold != nested)
        {
            semantic["similarity_threshold"].Error("conflicts with similarity_threshold of the plugin; set one of them");
        }

        var scope = configuration.Enum("scope", "tenant", "user") == "user" ? CacheScope.User : CacheScope.Tenant;
        return new ResponseCacheSettings(
            mode,
            threshold ?? nested,
            configuration.Int("ttl_seconds", 1, 365 * 24 * 3600),
            scope,
            configuration.Bool("entity_guard") ?? true,
            // Strict by default: an added qualifier ("... in the microwave") changes the answer too, and a
            // miss costs one model call where a false hit serves a wrong answer. docs/caching.md measures both.
            configuration.Enum("content_guard", "true", "false", "strict") switch
            {
                "false" => ContentGuardMode.Off,
                "true" => ContentGuardMode.Substitution,
                _ => ContentGuardMode.Strict,
            });
    }

    public IRoutePlugin Create(object settings, PluginCreationContext context)
    {
        var runtime = services.GetService<ResponseCacheRuntime>()
            ?? throw new InvalidOperationException("The response cache is not registered in this host (AddResponseCache).");
        var global = context.Config.Global.Extensions.TryGetValue(ResponseCacheGlobalSection.SectionPath, out var g) && g is ResponseCacheGlobalSettings bound
            ? bound
            : ResponseCacheGlobalSettings.DefaultsFor(HashingTextEmbedder.Name);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("SemanticRouter.Cache") ?? NullLogger.Instance;
        return new ResponseCachePlugin(
            (ResponseCacheSettings)settings,
            global,
            runtime,
            runtime.Store(global),
            runtime.Embedder(global.EmbeddingModel),
            context.Decision.Name,
            context.Config.Global.Upstream.RequestBudget,
            logger);
    }
}
