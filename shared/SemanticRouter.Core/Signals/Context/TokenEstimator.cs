using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Signals.Context;

/// <summary>
/// A cheap prompt-size estimate: about four characters per token for English BPE vocabularies,
/// plus a few tokens of per-message framing. Good enough to bucket 8K vs 32K vs 128K contexts.
/// </summary>
public static class TokenEstimator
{
    public static long Estimate(IReadOnlyList<ChatMessageView> messages)
    {
        long chars = 0;
        foreach (var m in messages)
        {
            chars += m.Text.Length;
        }

        return ((chars + 3) / 4) + (4L * messages.Count);
    }
}
