using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticRouter.Functions.Endpoints;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Models;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// DI for the learned signals: one <see cref="LearnedModels"/> (models load when a config references them), the
/// default sentence embedder as Core's <see cref="Core.Embeddings.ITextEmbedder"/> for the semantic cache, and a
/// readiness check that keeps <c>/ready</c> at 503 until the referenced models are loaded.
/// </summary>
internal static class SignalsServiceCollectionExtensions
{
    public static IServiceCollection AddLearnedSignals(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new LearnedModels(sp.GetService<LearnedModelOptions>()));
        services.TryAddSingleton<Core.Embeddings.ITextEmbedder>(sp => new LearnedTextEmbedder(sp.GetRequiredService<LearnedModels>()));
        services.AddSingleton<IReadinessCheck, LearnedModelsReadiness>();
        return services;
    }
}
