namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// Functions that answer without a key even when auth is on (every trigger is anonymous at the Functions host; the router decides):
/// probes, the dashboard page itself (it holds no data; its data calls need the admin key), and
/// the feedback webhook, which checks its own shared token (FEEDBACK_WEBHOOK_TOKEN).
/// </summary>
internal static class AnonymousFunctions
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "Health", "Ready", "Dashboard", "Feedback" };
}
