using Microsoft.Extensions.Hosting;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Resolves the configured detector when the host starts, so a wrong <c>HALUGATE_DETECTOR_MODEL</c> (not in the
/// manifest, wrong kind, files changed) fails startup instead of the first audit.
/// </summary>
internal sealed class DetectorModelPreload(ISpanDetector detector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = detector.Name;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
