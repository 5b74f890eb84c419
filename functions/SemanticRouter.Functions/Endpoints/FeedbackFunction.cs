using SemanticRouter.Async.Feedback;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Operations.Auth;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>POST /v1/feedback</c>: the user-feedback webhook (202 once queued). With API-key auth on, the
/// key check in front of every function admits the caller; without it the webhook requires the
/// shared <c>FEEDBACK_WEBHOOK_TOKEN</c>.
/// </summary>
internal sealed class FeedbackFunction(FeedbackWebhook webhook, IRouterSnapshotSource snapshots) : IRouterFunction
{
    public string Name => "Feedback";

    public string Route => "v1/feedback";

    public IReadOnlyList<string> Methods => ["POST"];

    public Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken) =>
        webhook.HandleAsync(request, AuthSettings.From(snapshots.Current.Config).Enabled, cancellationToken);
}
