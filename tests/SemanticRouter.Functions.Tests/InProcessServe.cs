namespace SemanticRouter.Functions.Tests;

/// <summary>Waiting for a <c>serve</c> run in this process (the CLI's task) to answer <c>GET /health</c>.</summary>
internal static class InProcessServe
{
    /// <summary>Polls <c>/health</c> until it answers 2xx; fails when <paramref name="serving"/> ends first or <paramref name="within"/> passes.</summary>
    public static async Task WaitUntilHealthyAsync(Uri baseAddress, Task<int> serving, TimeSpan within, string what)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            Assert.False(serving.IsCompleted, $"{what} exited early");
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not answer /health within {within.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }
}
