using System.Threading.Channels;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// Collects tokenized texts from concurrent async callers into one ONNX run (up to a batch size, waiting at most
/// a bounded time for more), then hands each caller its own row. Tokenizing happens on the caller's thread, so a
/// bad input fails only its own caller.
/// </summary>
internal sealed class MicroBatcher<TResult> : IDisposable
{
    private readonly Func<IReadOnlyList<TokenizedText>, TResult[]> runBatch;
    private readonly int maxBatchSize;
    private readonly TimeSpan maxWait;
    private readonly Channel<Request> queue;
    private readonly Task worker;

    public MicroBatcher(Func<IReadOnlyList<TokenizedText>, TResult[]> runBatch, int maxBatchSize, TimeSpan maxWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        this.runBatch = runBatch;
        this.maxBatchSize = maxBatchSize;
        this.maxWait = maxWait;
        // Bounded, so a flood of callers waits for room instead of growing memory without limit.
        queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(maxBatchSize * 64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        worker = Task.Run(WorkAsync);
    }

    public async ValueTask<TResult> RunAsync(TokenizedText input, CancellationToken cancellationToken)
    {
        var request = new Request(input, cancellationToken);
        try
        {
            await queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(MicroBatcher<TResult>));
        }

        using (cancellationToken.Register(static r => ((Request)r!).Completion.TrySetCanceled(), request))
        {
            return await request.Completion.Task.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        worker.Wait(TimeSpan.FromSeconds(30));
    }

    private async Task WorkAsync()
    {
        var reader = queue.Reader;
        var batch = new List<Request>(maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var deadline = DateTime.UtcNow + maxWait;
            while (batch.Count < maxBatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    if (!next.Completion.Task.IsCompleted)
                    {
                        batch.Add(next);
                    }

                    continue;
                }

                var remaining = deadline - DateTime.UtcNow;
                if (batch.Count == 0 || remaining <= TimeSpan.Zero)
                {
                    break;
                }

                using var timeout = new CancellationTokenSource(remaining);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = runBatch(batch.Select(r => r.Input).ToArray());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var r in batch)
                {
                    r.Completion.TrySetException(e);
                }
            }
        }
    }

    private sealed class Request(TokenizedText input, CancellationToken cancellationToken)
    {
        public TokenizedText Input { get; } = input;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
