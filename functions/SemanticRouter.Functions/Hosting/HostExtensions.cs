using SemanticRouter.Async;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Cache.Plugin;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Sessions;
using SemanticRouter.Functions.Operations.Auth;
using SemanticRouter.Functions.Responses.Store;
using SemanticRouter.Signals;
using SemanticRouter.Signals.Models;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Every signal kind, plugin and algorithm this app ships; <c>serve</c> and <c>validate</c> use the
/// same set. Factories that need services (models, stores) resolve them from
/// <paramref name="services"/> when they create instances, not when they bind config, so
/// <c>validate</c> works without them.
/// </summary>
internal static class HostExtensions
{
    public static RouterExtensions Create(IServiceProvider services)
    {
        var environment = services.GetService<RouterHostOptions>()?.Environment ?? System.Environment.GetEnvironmentVariable;
        return RouterExtensionsDefaults.CreateCore()
            .AddLearnedSignals(() => services.GetRequiredService<LearnedModels>())
            .AddAsyncFeatures(services)
            .Add(new ResponseCachePluginFactory(services))
            .Add(new ResponseCacheGlobalSection([(services.GetService<LearnedModelOptions>() ?? new LearnedModelOptions()).SentenceEmbedder]))
            .Add(new ObservabilitySettings.Binder())
            .Add(new AuthSettings.Binder(environment))
            .Add(new ResponseStoreSettings.Binder(environment))
            .Add(new SessionAffinitySettings.Binder(() => HasTableEndpoint(environment)))
            .Add(new AuditHandOffSettings.Binder(environment));
    }

    private static bool HasTableEndpoint(Func<string, string?> environment)
    {
        try
        {
            return StorageSettings.FromSettings(environment)?.TableEndpoint is not null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // A malformed storage setting is reported where the account is built; here it counts as configured.
            return true;
        }
    }
}
