using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Starts downloading every model in the manifest as the instance starts (not on the first request) and
/// the periodic refresh; <c>/ready</c> reports the progress.
/// </summary>
internal sealed class ModelStoreStartup(IModelStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
