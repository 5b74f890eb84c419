using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Keeps received messages hidden while a slow handler works on them, by extending their
/// visibility at half the timeout, all messages of the batch at once. Each update returns a new
/// pop receipt, which replaces the old one in <c>receipts</c> so the final delete uses the current one.
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
            var period = TimeSpan.FromTicks(Math.Max(visibility.Ticks / 2, TimeSpan.FromMilliseconds(200).Ticks));
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

                var renewals = receipts.ToList().Select(async pair =>
                {
                    try
                    {
                        var receipt = await queue.UpdateVisibilityAsync(pair.Key, pair.Value, visibility, token).ConfigureAwait(false);
                        return (pair.Key, (string?)receipt.PopReceipt);
                    }
                    catch (StorageRequestException)
                    {
                        // The message is gone or no longer ours; nothing to renew.
                        return (pair.Key, null);
                    }
                }).ToList();
                try
                {
                    foreach (var (id, receipt) in await Task.WhenAll(renewals).ConfigureAwait(false))
                    {
                        if (receipt is not null)
                        {
                            receipts[id] = receipt;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
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
