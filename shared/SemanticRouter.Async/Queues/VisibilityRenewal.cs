using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Keeps received messages hidden while a slow handler works on them, by extending their
/// visibility at a third of the timeout. Each update returns a new pop receipt, which replaces the
/// old one in <paramref name="receipts"/> so the final delete uses the current one.
/// </summary>
internal sealed class VisibilityRenewal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public VisibilityRenewal(IQueueClient queue, Dictionary<string, string> receipts, TimeSpan visibility, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _stop.Token;
        _loop = Task.Run(async () =>
        {
            var period = TimeSpan.FromTicks(Math.Max(visibility.Ticks / 3, TimeSpan.FromMilliseconds(200).Ticks));
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(period, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                foreach (var id in receipts.Keys.ToList())
                {
                    try
                    {
                        var receipt = await queue.UpdateVisibilityAsync(id, receipts[id], visibility, token).ConfigureAwait(false);
                        receipts[id] = receipt.PopReceipt;
                    }
                    catch (StorageRequestException)
                    {
                        // The message is gone or no longer ours; nothing to renew.
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>Stops renewing and waits for an in-flight update, so the receipts are final.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
