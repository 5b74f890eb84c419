namespace SemanticRouter.Async.Tests;

/// <summary>Polls an asynchronous outcome (queue processing) until it holds or a generous deadline passes.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? what = null, TimeSpan? every = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "the condition"));
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan? timeout = null, string? what = null, TimeSpan? every = null) =>
        GetAsync(async () => await probe() ? new object() : null, timeout, what, every);
}
