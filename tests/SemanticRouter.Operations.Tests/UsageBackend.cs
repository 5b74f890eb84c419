using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>The shared loopback backend, reporting the token usage these tests count (JSON and a final stream chunk).</summary>
internal static class UsageBackend
{
    public static async Task<LoopbackBackend> StartAsync()
    {
        var backend = await LoopbackBackend.StartAsync("chat");
        backend.PromptTokens = 11;
        backend.CompletionTokens = 7;
        backend.StreamUsage = true;
        return backend;
    }
}
