using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Keeps received messages hidden while a slow handler works on them, by extending their
/// visibility at half the timeout (eight updates at a time). Each update returns a new
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

                var current = receipts.ToList();
                var renewed = new string?[current.Count];
                try
                {
                    await Parallel.ForAsync(0, current.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token }, async (i, ct) =>
                    {
                        try
                        {
                            renewed[i] = (await queue.UpdateVisibilityAsync(current[i].Key, current[i].Value, visibility, ct).ConfigureAwait(false)).PopReceipt;
                        }
                        catch (StorageRequestException)
                        {
                            // The message is gone or no longer ours; nothing to renew.
                        }
                    }).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                for (var i = 0; i < current.Count; i++)
                {
                    if (renewed[i] is { } receipt)
                    {
                        receipts[current[i].Key] = receipt;
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
