using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Functions.Responses.Store;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Functions.Responses;

/// <summary>Wires the Responses API front door: its two functions and the response store <c>global.stores.responses</c> picks.</summary>
internal static class ResponsesServiceCollectionExtensions
{
    public static IServiceCollection AddResponsesApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IResponseStore>(sp =>
        {
            var snapshots = sp.GetRequiredService<IRouterSnapshotSource>();
            var settings = ResponseStoreSettings.From(snapshots.Current.Config);
            var time = sp.GetRequiredService<TimeProvider>();
            return settings.BackendType == "blob"
                ? new BlobResponseStore(sp.GetRequiredService<StorageAccount>().GetBlobClient(settings.Container), time)
                : new MemoryResponseStore(() => ResponseStoreSettings.From(snapshots.Current.Config), time);
        });
        services.AddSingleton<IRouterFunction, ResponsesFunction>();
        services.AddSingleton<IRouterFunction, ResponseFunction>();
        return services;
    }
}
