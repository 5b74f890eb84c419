using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// DI for the learned signals: one <see cref="LearnedModels"/> (models load when a config references them), the
/// default sentence embedder as Core's <see cref="Core.Embeddings.ITextEmbedder"/> for the semantic cache, and
/// readiness checks that keep <c>/ready</c> at 503 until the models the loaded config uses are loaded. With a storage
/// account configured (<c>AzureWebJobsStorage</c>…), model folders come from the Blob model store: each model the config
/// uses is downloaded once per instance when a config first needs it (never while the config compiles, and never a model
/// no config uses) and refreshed in the background; without one they are read in place from the local models folder.
/// </summary>
internal static class SignalsServiceCollectionExtensions
{
    public static IServiceCollection AddLearnedSignals(this IServiceCollection services, RouterHostOptions options)
    {
        if (StorageSettings.FromSettings(options.Environment) is { } storage)
        {
            // The same account object the queue features use (whichever registers first creates it).
            services.TryAddSingleton(_ => new StorageAccount(storage));
            services.TryAddSingleton<IModelStore>(sp => ModelStoreFactory.Create(ModelStoreOptions.FromSettings(options.Environment) with { PrefetchAll = false }, sp.GetRequiredService<StorageAccount>()));
            services.TryAddSingleton<ILearnedModelSource>(sp => new ModelStoreSource(sp.GetRequiredService<IModelStore>()));
            services.AddHostedService<ModelStoreStartup>();
            services.AddSingleton<IReadinessCheck, ModelStoreReadiness>();
        }

        services.TryAddSingleton(sp => new LearnedModels(sp.GetService<LearnedModelOptions>(), source: sp.GetService<ILearnedModelSource>()));
        services.TryAddSingleton<Core.Embeddings.ITextEmbedder>(sp => new LearnedTextEmbedder(sp.GetRequiredService<LearnedModels>()));
        services.AddSingleton<IReadinessCheck, LearnedModelsReadiness>();
        return services;
    }
}
