using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Upstream;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Operations;
using SemanticRouter.Functions.Responses;
using SemanticRouter.Functions.Sessions;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Wires the router into DI: one call, so both hosts stay thin.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddSemanticRouter(this IServiceCollection services, RouterHostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(HostExtensions.Create);
        services.AddSingleton(sp =>
        {
            var extensions = sp.GetRequiredService<RouterExtensions>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("SemanticRouter.Config");
            if (options.ConfigPath is not null)
            {
                return new RouterSnapshotProvider(options.ConfigPath, extensions, options.Environment, logger, options.ConfigPollInterval);
            }

            var yaml = options.ConfigYaml ?? throw new InvalidOperationException("no config given");
            return new RouterSnapshotProvider(new RouterConfigLoader(extensions, options.Environment).Load(yaml), extensions, options.Environment, logger, yaml);
        });
        services.AddSingleton<IRouterSnapshotSource>(sp => sp.GetRequiredService<RouterSnapshotProvider>());
        services.AddSingleton(sp =>
        {
            var connect = sp.GetRequiredService<IRouterSnapshotSource>().Current.Config.Global.Upstream.ConnectTimeout;
            return new HttpMessageInvoker(UpstreamClient.CreateHandler(connect), disposeHandler: true);
        });
        services.AddSingleton<UpstreamClient>();
        services.AddHostedService<UpstreamHealthChecker>();
        services.AddSingleton<IReadinessCheck, UpstreamReadiness>();
        services.AddSingleton<RouterPipeline>();
        // One instance behind /v1/chat/completions and the front doors that translate to it (Responses API, Anthropic Messages).
        services.AddSingleton<ChatCompletionsFunction>();
        services.AddSingleton<IRouterFunction>(sp => sp.GetRequiredService<ChatCompletionsFunction>());
        services.AddSingleton<IRouterFunction, MessagesFunction>();
        services.AddSingleton<IRouterFunction, ModelsFunction>();
        services.AddSingleton<IRouterFunction, ModelFunction>();
        services.AddSingleton<IRouterFunction, ExplainFunction>();
        services.AddSingleton<IRouterFunction, HealthFunction>();
        services.AddSingleton<IRouterFunction, ReadyFunction>();
        services.AddSingleton<RouterHttpEndpoint>();
        services.AddLearnedSignals(options);
        services.AddSemanticRouterQueues(options);
        services.AddRouterOperations();
        services.AddResponseCache(options);
        services.AddResponsesApi();
        services.AddSessionAffinity();
        return services;
    }
}
