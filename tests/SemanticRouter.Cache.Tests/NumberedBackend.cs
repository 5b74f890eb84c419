using SemanticRouter.Testing;

namespace SemanticRouter.Cache.Tests;

/// <summary>
/// The shared loopback backend, answering "answer #N to: &lt;last user text&gt;" so that a cached
/// answer is recognisable by the number of the call that produced it.
/// </summary>
internal static class NumberedBackend
{
    public static async Task<LoopbackBackend> StartAsync()
    {
        var backend = await LoopbackBackend.StartAsync();
        backend.AnswerText = call => $"answer #{call.Number} to: {call.LastUserText}";
        return backend;
    }
}
