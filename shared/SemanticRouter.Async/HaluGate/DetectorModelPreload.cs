using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Loads the configured detector when the host starts. From the local models folder the load is quick and is
/// awaited, so a wrong <c>HALUGATE_DETECTOR_MODEL</c> (not in the manifest, wrong kind, files changed) fails
/// startup. From the Blob model store it may be a long download, and the Functions host wants the handler up
/// within its initialization timeout: the load runs in the background, a failure is logged with the setting
/// named, and audits fail (so their messages are retried, then poisoned) instead of being dropped.
/// </summary>
internal sealed partial class DetectorModelPreload(ConfiguredSpanDetector detector, ILogger<DetectorModelPreload> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var load = detector.LoadAsync();
        if (!detector.UsesModelStore)
        {
            return load.WaitAsync(cancellationToken);
        }

        _ = LogFailureAsync(load);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LogFailureAsync(Task load)
    {
        try
        {
            await load.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogLoadFailed(detector.Name, e.GetBaseException().Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "HaluGate detector '{Model}' could not be loaded; audits fail until it is fixed: {Reason}")]
    private partial void LogLoadFailed(string model, string reason);
}
