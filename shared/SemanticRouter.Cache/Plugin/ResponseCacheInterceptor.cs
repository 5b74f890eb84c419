using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// Watches one missed request's answer: stores a complete 2xx JSON answer, or accumulates a stream
/// as it passes (the client is never delayed) and stores it only when it ended with <c>[DONE]</c>.
/// Whatever happens, the single flight it leads is released exactly once.
/// </summary>
internal sealed class ResponseCacheInterceptor(ResponseCachePlugin plugin, PendingWrite pending) : IResponseInterceptor
{
    private readonly StreamAccumulator _stream = new();
    private int _released;

    public async ValueTask<byte[]?> OnResponseAsync(int statusCode, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            if (statusCode is >= 200 and < 300 && CachedCompletion.TryParse(body) is not null)
            {
                await plugin.WriteAsync(pending, body).ConfigureAwait(false);
            }
        }
        finally
        {
            Release();
        }

        return null;
    }

    public string OnStreamEvent(string data)
    {
        _stream.Add(data);
        return data;
    }

    public async ValueTask OnStreamEndAsync(bool completed, CancellationToken cancellationToken)
    {
        try
        {
            if (completed && _stream.Complete() is { } completion)
            {
                await plugin.WriteAsync(pending, completion.ToCompletionJson()).ConfigureAwait(false);
            }
        }
        finally
        {
            Release();
        }
    }

    public void OnAbandoned() => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            plugin.Release(pending);
        }
    }
}
