using SemanticRouter.Async;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Hosting;

/// <summary>Wires HaluGate audits and the feedback loop (queues, stores, pollers, endpoints) into the app.</summary>
internal static class QueueServiceCollectionExtensions
{
    public static IServiceCollection AddSemanticRouterQueues(this IServiceCollection services, RouterHostOptions options)
    {
        services.AddSemanticRouterAsync(options.Environment, options.UnderFunctionsHost);
        services.AddSingleton<IRouterFunction, FeedbackFunction>();
        services.AddSingleton<IRouterFunction, RatingsFunction>();
        services.AddSingleton<IRouterFunction, AuditFunction>();
        services.AddSingleton<IRouterFunction, QueuesFunction>();
        return services;
    }
}
